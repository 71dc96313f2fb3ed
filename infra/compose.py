"""Builds the template merged into Chalice's package, from the files in infra/ and the agency directory.

One function, `merge_template(stage)`, is the single source for both targets: `make package` writes
it out for `chalice package --merge-template`, and the embedded local stack creates its tables,
topics, secrets and state machine from the same dict. It inlines `workflow.asl.json` as the state
machine's Definition and adds, per directory agency, three SNS topics (alerts and reminders by e-mail,
its head by e-mail, its duty officer by SMS for emergencies) and one per regency/city government (for
copies of complaints in its area), and the user pool's groups: one per agency (the triage desk is one),
`GOVERNOR_OFFICE` and `ADMIN`.
"""
from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

from chalicelib.domain.access import ADMIN, GOVERNOR_OFFICE
from chalicelib.domain.directory import load_directory

INFRA_DIR = Path(__file__).resolve().parent
AGENCY_TOPIC_NAME = "kemala-${Stage}-agency-%s"
REGION_TOPIC_NAME = "kemala-${Stage}-%s"  # topic is "region-<code>"


def workflow_definition() -> dict:
    return json.loads((INFRA_DIR / "workflow.asl.json").read_text(encoding="utf-8"))


def _topic(resources: dict, logical: str, name: str, protocol: str, endpoint: str) -> None:
    """An SNS topic (`<logical>Topic`, e.g. `AgencyDINKESTopic`) and its subscription (e-mail or SMS)."""
    resources[f"{logical}Topic"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": {"Fn::Sub": name}, "DisplayName": f"Kemala {logical}"[:100]},
    }
    resources[f"{logical}Subscription"] = {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"TopicArn": {"Ref": f"{logical}Topic"}, "Protocol": protocol, "Endpoint": endpoint},
    }


def merge_template(stage: str) -> dict:
    template = copy.deepcopy(json.loads((INFRA_DIR / "resources.json").read_text(encoding="utf-8")))
    template["Parameters"]["Stage"]["Default"] = stage
    resources = template["Resources"]
    resources["TicketWorkflow"]["Properties"]["Definition"] = workflow_definition()
    directory = load_directory()
    for agency in directory:
        _topic(resources, f"Agency{agency.code}", AGENCY_TOPIC_NAME % agency.topic, "email", agency.email)
        _topic(resources, f"Agency{agency.code}Head", AGENCY_TOPIC_NAME % agency.head_topic, "email", agency.head_email)
        _topic(resources, f"Agency{agency.code}Duty", AGENCY_TOPIC_NAME % agency.duty_topic, "sms", agency.duty_phone)
    for office in directory.regions.values():
        _topic(resources, f"Region{office.code}", REGION_TOPIC_NAME % office.topic, "email", office.email)
    for group in [*directory.codes(), GOVERNOR_OFFICE, ADMIN]:
        resources[f"Group{group.title().replace('_', '')}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": group, "UserPoolId": {"Ref": "UserPool"}},
        }
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
