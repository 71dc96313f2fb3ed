"""Builds the template merged into Chalice's package, from the files in infra/ and the agency directory.

One function, `merge_template(stage)`, is the single source for both targets: `make package` writes
it out for `chalice package --merge-template`, and the embedded local stack creates its tables,
topics, secrets and state machine from the same dict. It inlines `workflow.asl.json` as the state
machine's Definition and adds one SNS topic (with its e-mail subscription) per directory agency and
per regency/city government (for copies of complaints in its area).
"""
from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

from chalicelib.domain.directory import load_directory

INFRA_DIR = Path(__file__).resolve().parent
AGENCY_TOPIC_NAME = "kemala-${Stage}-agency-%s"
REGION_TOPIC_NAME = "kemala-${Stage}-%s"  # topic is "region-<code>"


def workflow_definition() -> dict:
    return json.loads((INFRA_DIR / "workflow.asl.json").read_text(encoding="utf-8"))


def merge_template(stage: str) -> dict:
    template = copy.deepcopy(json.loads((INFRA_DIR / "resources.json").read_text(encoding="utf-8")))
    template["Parameters"]["Stage"]["Default"] = stage
    resources = template["Resources"]
    resources["TicketWorkflow"]["Properties"]["Definition"] = workflow_definition()
    for agency in load_directory():
        topic_id = f"AgencyTopic{agency.code}"
        resources[topic_id] = {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": {"Fn::Sub": AGENCY_TOPIC_NAME % agency.topic},
                           "DisplayName": f"Kemala {agency.code}"},
        }
        resources[f"AgencyEmail{agency.code}"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": topic_id}, "Protocol": "email", "Endpoint": agency.email},
        }
    for office in load_directory().regions.values():
        topic_id = f"RegionTopic{office.code}"
        resources[topic_id] = {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": {"Fn::Sub": REGION_TOPIC_NAME % office.topic},
                           "DisplayName": f"Kemala {office.code}"},
        }
        resources[f"RegionEmail{office.code}"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": {"Ref": topic_id}, "Protocol": "email", "Endpoint": office.email},
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
