"""Builds the template merged into Chalice's package, from the files in infra/ and the agency directory.

One function, `merge_template(stage)`, is the single source for both targets: `make package` writes
it out for `chalice package --merge-template`, and the embedded local stack creates its tables,
topics, secrets and state machine from the same dict. It inlines `workflow.asl.json` as the state
machine's Definition and adds, per directory agency, three SNS topics (alerts and reminders, its head,
and its duty officer, subscribed by SMS for emergencies) and one per regency/city government (for
copies of complaints in its area). People read alerts by e-mail through SES (see
chalicelib/adapters/notifications.py); the alert topics are for machine subscribers, so they carry
no e-mail subscription and no unsubscribe link.

Each function's role gets its `.chalice/policy-*.json` (the one source of its permissions, written
with `${Stage}`, `${AWS::Region}`, `${AWS::AccountId}` and `${AWS::Partition}`) as `Fn::Sub`, so a
stage's functions name only that stage's resources; each function logs to its own log group
`/aws/lambda/kemala-<stage>-<function>`, created here with a retention. It also adds the user pool's groups: one per agency (the triage desk is one),
`GOVERNOR_OFFICE` and `ADMIN`.
"""
from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.domain.access import ADMIN, GOVERNOR_OFFICE
from chalicelib.domain.directory import load_directory
from chalicelib.http.security import SECURITY_HEADERS

INFRA_DIR = Path(__file__).resolve().parent
CHALICE_DIR = INFRA_DIR.parent / ".chalice"
API_FUNCTION = "api"  # Chalice's REST API handler (logical id APIHandler, role ApiHandlerRole)
LOG_RETENTION_DAYS = 365
RECEIPTS_FUNCTION = "RecordReceipts"  # Chalice's logical id of the record_receipts function
SNS_KEY = "alias/aws/sns"  # encryption at rest with the AWS-managed key: publishers need no key policy
AGENCY_TOPIC_NAME = "kemala-${Stage}-agency-%s"
REGION_TOPIC_NAME = "kemala-${Stage}-%s"  # topic is "region-<code>"


def workflow_definition() -> dict:
    return json.loads((INFRA_DIR / "workflow.asl.json").read_text(encoding="utf-8"))


def _topic(resources: dict, logical: str, name: str, sms: str | None = None) -> None:
    """An alert topic (`<logical>Topic`, e.g. `AgencyDINKESTopic`), with an SMS subscription for paging;
    `record_receipts` hears every message on it (the receipts of services/alerting.py)."""
    resources[f"{logical}Topic"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": {"Fn::Sub": name}, "DisplayName": f"Kemala {logical}"[:100],
                       "KmsMasterKeyId": SNS_KEY},
    }
    resources[f"{logical}Receipts"] = {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"TopicArn": {"Ref": f"{logical}Topic"}, "Protocol": "lambda",
                       "Endpoint": {"Fn::GetAtt": [RECEIPTS_FUNCTION, "Arn"]}},
    }
    if sms:
        resources[f"{logical}Subscription"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": f"{logical}Topic"}, "Protocol": "sms", "Endpoint": sms},
        }


def as_fn_sub(value: Any) -> Any:
    """Every string with a `${...}` placeholder as `Fn::Sub`, so CloudFormation fills it in."""
    if isinstance(value, dict):
        return {k: as_fn_sub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_fn_sub(v) for v in value]
    return {"Fn::Sub": value} if isinstance(value, str) and "${" in value else value


def function_policies(stage: str) -> dict[str, dict]:
    """Each function's policy document as written in `.chalice/` (placeholders not yet filled)."""
    config = json.loads((CHALICE_DIR / "config.json").read_text(encoding="utf-8"))["stages"][stage]
    files = {API_FUNCTION: config["iam_policy_file"]}
    files.update({name: f["iam_policy_file"] for name, f in config["lambda_functions"].items()})
    return {name: json.loads((CHALICE_DIR / file).read_text(encoding="utf-8")) for name, file in files.items()}


def _function_resources(resources: dict, stage: str) -> None:
    """Per function: its role's policy (stage-scoped) and its log group, merged into Chalice's resources."""
    for name, policy in function_policies(stage).items():
        logical, role = ("APIHandler", "ApiHandlerRole") if name == API_FUNCTION else (
            to_cfn_resource_name(name), f"{to_cfn_resource_name(name)}Role")
        resources[f"{logical}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": f"/aws/lambda/kemala-${{Stage}}-{name}"},
                           "RetentionInDays": LOG_RETENTION_DAYS},
        }
        function = resources.setdefault(logical, {}).setdefault("Properties", {})
        function["LoggingConfig"] = {"LogGroup": {"Ref": f"{logical}LogGroup"}}
        document = as_fn_sub(policy)
        resources[role] = {"Properties": {"Policies": [{"PolicyName": f"{role}Policy", "PolicyDocument": document}]}}


def _gateway_responses() -> dict:
    """API Gateway's own errors (no route, throttled) get the security headers too. Static values are
    quoted with ' there, so Content-Security-Policy (whose value holds ') is left out: these errors
    are JSON with nosniff, never pages."""
    headers = {name: f"'{value}'" for name, value in SECURITY_HEADERS.items() if "'" not in value}
    return {kind: {"ResponseParameters": {"Headers": headers}} for kind in ("DEFAULT_4XX", "DEFAULT_5XX")}


def merge_template(stage: str) -> dict:
    template = copy.deepcopy(json.loads((INFRA_DIR / "resources.json").read_text(encoding="utf-8")))
    template["Parameters"]["Stage"]["Default"] = stage
    resources = template["Resources"]
    resources["TicketWorkflow"]["Properties"]["Definition"] = workflow_definition()
    directory = load_directory()
    for agency in directory:
        _topic(resources, f"Agency{agency.code}", AGENCY_TOPIC_NAME % agency.topic)
        _topic(resources, f"Agency{agency.code}Head", AGENCY_TOPIC_NAME % agency.head_topic)
        _topic(resources, f"Agency{agency.code}Duty", AGENCY_TOPIC_NAME % agency.duty_topic, sms=agency.duty_phone)
    for office in directory.regions.values():
        _topic(resources, f"Region{office.code}", REGION_TOPIC_NAME % office.topic)
    for group in [*directory.codes(), GOVERNOR_OFFICE, ADMIN]:
        resources[f"Group{group.title().replace('_', '')}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": group, "UserPoolId": {"Ref": "UserPool"}},
        }
    _function_resources(resources, stage)
    resources["RestAPI"]["Properties"]["GatewayResponses"] = _gateway_responses()
    return template


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(merge_template(args.stage), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
