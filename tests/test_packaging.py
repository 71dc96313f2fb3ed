"""The deployable package: `chalice package --merge-template` output must pass cfn-lint."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib.domain.datafiles import parse_yaml
from chalicelib.domain.routing import build_lexicon, lexicon_as_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cold_start import FIRST_CALL  # noqa: E402  (bench/ is scripts, not a package)
BIN = Path(sys.executable).parent


@pytest.mark.packaging
def test_packaged_template_passes_cfn_lint(tmp_path):
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3")}
    merge = tmp_path / "merge.json"
    subprocess.run([sys.executable, "-m", "infra.compose", "--stage", "prod", "--out", str(merge)],
                   cwd=ROOT, env=env, check=True)
    out = tmp_path / "package"
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "prod", "--merge-template", str(merge), str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "infra.lambda_zip", str(out / "deployment.zip")], cwd=ROOT, check=True)
    lint = subprocess.run([str(BIN / "cfn-lint"), str(out / "sam.json")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr

    template = json.loads((out / "sam.json").read_text())
    resources = template["Resources"]
    workflow = resources["TicketWorkflow"]["Properties"]["Definition"]
    asl = json.loads((ROOT / "infra" / "workflow.asl.json").read_text())
    assert workflow == asl
    assert {"RouteAndNotifyAgency", "TellCitizen", "WhereTheTicketStands", "AwaitResponse", "RemindAgency", "EscalateToGovernor",
            "AwaitResolution", "RemindAgencyToResolve", "EscalateResolutionToGovernor", "Resolved"} <= set(workflow["States"])
    # per agency code: the agency, its head and its duty phone; per regency; escalation, operators, inbound SMS
    # and SES's mail events
    assert sum(1 for r in resources.values() if r["Type"] == "AWS::SNS::Topic") == 27 * 3 + 35 + 4
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            assert "Role" in resource["Properties"], f"{name} has no explicit role"
            # `make bench-cold-start` knows what each function's first invocation loads
            assert resource["Properties"]["Handler"].split(".", 1)[1] in FIRST_CALL, name
    for role in (r for r in resources.values() if r["Type"] == "AWS::IAM::Role"):
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in action for action in actions), statement
    assert (out / "deployment.zip").stat().st_size < 50 * 1024 * 1024
    with zipfile.ZipFile(out / "deployment.zip") as archive:
        names = archive.namelist()
        precomputed = {name: json.loads(archive.read(name)) for name in names
                       if name.startswith("chalicelib/data/precomputed/")}
    shipped = {name.split("/", 1)[0] for name in names}
    assert "chalicelib" in shipped and not shipped & {"local", "tests", "infra", "bench"}
    assert not shipped & {"boto3", "botocore", "s3transfer"}  # the Lambda runtime provides them
    assert not shipped & {"yaml", "_yaml"}  # the data files ship as JSON
    assert "__pycache__/app.cpython-311.pyc" in names  # the code directory is read-only on Lambda
    # Every data file administrators edit is shipped also as JSON, equal to what its YAML says.
    sources = sorted((ROOT / "chalicelib" / "data").glob("*.yaml"))
    forms = "chalicelib/data/precomputed/routing_lexicon.forms.json"
    assert set(precomputed) == {f"chalicelib/data/precomputed/{source.stem}.json" for source in sources} | {forms}
    for source in sources:
        assert precomputed[f"chalicelib/data/precomputed/{source.stem}.json"] == parse_yaml(source.read_text("utf-8"))
    # ... and the lexicon as the router matches it, equal to what it builds from the YAML
    assert precomputed[forms] == json.loads(json.dumps(lexicon_as_data(build_lexicon(
        parse_yaml((ROOT / "chalicelib" / "data" / "routing_lexicon.yaml").read_text("utf-8"))))))
