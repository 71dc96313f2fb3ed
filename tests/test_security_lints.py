"""Security linters over what Kemala ships, with every accepted finding read from infra/lint-exceptions.yaml.

- `parliament` on every function's policy as CloudFormation renders it for each stage, and on the
  workflow's role;
- no policy names another stage's resources, or any region or account but its own;
- `checkov` on the packaged template (`chalice package --merge-template`, dev stage);
- `bandit` on app.py and chalicelib/; `pip-audit` on the pinned dependencies.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from parliament import analyze_policy_string

from infra.compose import as_fn_sub, function_policies, merge_template
from local.cfn import Resolver

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKOV = BIN.parent / "checkov" / "bin" / "checkov"
EXCEPTIONS = yaml.safe_load((ROOT / "infra" / "lint-exceptions.yaml").read_text(encoding="utf-8"))
REGION, ACCOUNT = "ap-southeast-3", "123456789012"
STAGES = ("dev", "prod")
PARAMETERS = {name: spec["Default"] for name, spec in merge_template("dev")["Parameters"].items() if "Default" in spec}
# SES identities and End User Messaging phone numbers/pools (carrier-registered) belong to the account and
# region, not to a stage.
SHARED = ("identity/", "pool/", "phone-number/")


def _rendered(document: dict, stage: str, functions: dict[str, str] | None = None) -> dict:
    """The document as CloudFormation would fill it in for `stage` in REGION and ACCOUNT."""
    resolver = Resolver(REGION, ACCOUNT, {**PARAMETERS, "Stage": stage})
    # The stage's own user pool: its id is only known once deployed.
    resolver.attrs["UserPool"] = {"Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/kemala-{stage}-users"}
    for logical, name in (functions or {}).items():
        resolver.attrs[logical] = {"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:kemala-{stage}-{name}"}
    return resolver.resolve(document)


def _shipped_policies(stage: str) -> dict[str, dict]:
    """Every IAM policy of the stage: one per function, and the state machine's role."""
    policies = {name: _rendered(as_fn_sub(doc), stage) for name, doc in function_policies(stage).items()}
    workflow_role = merge_template(stage)["Resources"]["WorkflowRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    functions = {"NotifyAgency": "notify_agency", "TellCitizen": "tell_citizen",
                 "RecordUndelivered": "record_undelivered", "AwaitAgency": "await_agency", "Escalate": "escalate"}
    policies["workflow"] = _rendered(workflow_role, stage, functions)
    return policies


def _statements(policy: dict) -> list[dict]:
    return policy["Statement"]


def _resources(statement: dict) -> list[str]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


@pytest.mark.parametrize("stage", STAGES)
def test_every_shipped_policy_passes_parliament(stage):
    accepted = EXCEPTIONS["parliament"] or {}
    for name, policy in _shipped_policies(stage).items():
        findings = [f"{f.issue}: {f.detail}" for f in analyze_policy_string(json.dumps(policy)).findings
                    if f.issue not in accepted]
        assert findings == [], f"{stage} policy {name}"


def test_parliament_catches_the_send_task_success_mistake():
    """The linter is live: scoping SendTaskSuccess to the state machine (the bug) is reported."""
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:SendTaskSuccess",
              "Resource": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:kemala-dev-ticket"}]}
    assert [f.issue for f in analyze_policy_string(json.dumps(policy)).findings] == ["RESOURCE_MISMATCH"]


def test_star_resources_only_where_the_action_has_no_resource_level_permission():
    listed = EXCEPTIONS["iam_star_statements"]
    used = set()
    for stage in STAGES:
        for name, policy in _shipped_policies(stage).items():
            for statement in _statements(policy):
                if "*" in _resources(statement):
                    assert statement.get("Sid") in listed, f"{name}: {statement}"
                    used.add(statement["Sid"])
    assert used == set(listed), "an exception that no policy uses any more"


@pytest.mark.parametrize("stage", STAGES)
def test_no_policy_names_another_stage_region_or_account(stage):
    other = next(s for s in STAGES if s != stage)
    for name, policy in _shipped_policies(stage).items():
        for statement in _statements(policy):
            for arn in _resources(statement):
                if arn == "*":
                    continue
                _, partition, service, region, account, resource = arn.split(":", 5)
                if service == "s3":  # bucket ARNs carry no region or account: the bucket's name has the account
                    assert (partition, region, account) == ("aws", "", "") and f"-{ACCOUNT}/" in resource, f"{name}: {arn}"
                else:
                    assert (partition, region, account) == ("aws", REGION, ACCOUNT), f"{name}: {arn}"
                assert f"kemala-{other}-" not in resource, f"{name}: {arn}"
                assert f"kemala-{stage}-" in resource or resource.startswith(SHARED), f"{name}: {arn}"


def test_each_function_writes_only_to_its_own_log_group():
    for name, policy in _shipped_policies("dev").items():
        if name == "workflow":
            continue
        log_arns = [arn for s in _statements(policy) if any(a.startswith("logs:") for a in s["Action"])
                    for arn in _resources(s)]
        assert log_arns == [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/kemala-dev-{name}:*"], name


@pytest.fixture(scope="module")
def packaged_dev(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    env = {**os.environ, "AWS_DEFAULT_REGION": REGION}
    merge = out / "merge.json"
    subprocess.run([sys.executable, "-m", "infra.compose", "--stage", "dev", "--out", str(merge)],
                   cwd=ROOT, env=env, check=True)
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "dev", "--merge-template", str(merge), str(out / "pkg")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return out / "pkg" / "sam.json"


@pytest.mark.packaging
def test_packaged_roles_carry_the_stage_scoped_policies(packaged_dev):
    resources = json.loads(packaged_dev.read_text())["Resources"]
    roles = {name: r for name, r in resources.items() if r["Type"] == "AWS::IAM::Role" and name != "WorkflowRole"}
    assert len(roles) == len(function_policies("dev"))
    for name, role in roles.items():
        (policy,) = role["Properties"]["Policies"]
        rendered = json.dumps(_rendered(policy["PolicyDocument"], "dev"))
        assert "${" not in rendered and "kemala-*" not in rendered and ":*:*:" not in rendered, name


@pytest.mark.packaging
def test_api_gateways_own_errors_carry_the_security_headers(packaged_dev):
    api = json.loads(packaged_dev.read_text())["Resources"]["RestAPI"]["Properties"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = api["GatewayResponses"][kind]["ResponseParameters"]["Headers"]
        assert headers["X-Frame-Options"] == "'DENY'" and headers["X-Content-Type-Options"] == "'nosniff'"


@pytest.mark.packaging
def test_packaged_template_passes_checkov(packaged_dev):
    assert CHECKOV.exists(), "checkov is installed by `make install` in .venv/checkov"
    run = subprocess.run([str(CHECKOV), "-f", str(packaged_dev), "--framework", "cloudformation", "--skip-download",
                          "--quiet", "--compact", "-o", "json"], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    reports = json.loads(run.stdout) if run.stdout.strip() else []
    failed = [check for report in (reports if isinstance(reports, list) else [reports])
              for check in report["results"]["failed_checks"]]
    assert failed, "checkov checked nothing"
    accepted = EXCEPTIONS["checkov"]

    def is_accepted(check: dict) -> bool:
        entry = accepted.get(check["check_id"])
        return entry is not None and ("resources" not in entry or check["resource"].split(".")[-1] in entry["resources"])

    assert [f"{c['check_id']} {c['resource']}" for c in failed if not is_accepted(c)] == []
    assert set(accepted) == {c["check_id"] for c in failed}, "an accepted checkov finding that is no longer reported"


def test_code_passes_bandit():
    run = subprocess.run([str(BIN / "bandit"), "-q", "-r", "app.py", "chalicelib", "-f", "json"],
                         cwd=ROOT, capture_output=True, text=True)
    results = json.loads(run.stdout)["results"]
    accepted = EXCEPTIONS["bandit"]
    unexplained = [f"{r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}" for r in results
                   if r["filename"] not in accepted.get(r["test_id"], {}).get("files", [])]
    assert unexplained == []
    assert {r["test_id"] for r in results} == set(accepted), "an accepted bandit finding that is no longer reported"


def test_pinned_dependencies_have_no_known_vulnerabilities(tmp_path):
    """pip-audit over every pin (constraints.txt holds requirements.txt's packages and what they pull in)."""
    report = tmp_path / "audit.json"
    subprocess.run([str(BIN / "pip-audit"), "-r", str(ROOT / "constraints.txt"), "--no-deps", "--disable-pip",
                    "--vulnerability-service", "pypi", "--progress-spinner", "off", "-f", "json", "-o", str(report)],
                   capture_output=True, text=True, timeout=300)
    dependencies = json.loads(report.read_text())["dependencies"] if report.exists() else []
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        pytest.skip("pip-audit could not reach PyPI's vulnerability data from here: nothing was audited")
    accepted = EXCEPTIONS["pip_audit"] or {}
    found = [f"{d['name']} {d['version']}: {v['id']}" for d in audited for v in d["vulns"] if v["id"] not in accepted]
    assert found == []
