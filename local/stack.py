"""Assembles the embedded local stack: AWS emulator, X API emulator, provisioned infra, Lambda
functions bound to the Chalice handlers, and the Chalice HTTP API on localhost.

Resources come from `infra.compose.merge_template` (what `chalice package` deploys); function
environment comes from `.chalice/config.json` plus the template's per-function variables, as on AWS.
An observer SQS queue, subscribed to every agency topic and the escalation topic, is the local
stand-in for the agencies' inboxes.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from pathlib import Path

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LambdaEventConverter, create_local_server
from chalice.utils import to_cfn_resource_name

from chalicelib import bootstrap
from chalicelib.adapters.dynamodb import use_tables
from chalicelib.settings import get_settings
from infra.compose import merge_template
from local.aws import ACCOUNT, REGION, LocalAws
from local.cfn import Provisioner, Resolver
from local.sms_emulator import SmsEmulator
from local.x_emulator import CREDENTIALS, XEmulator

ROOT = Path(__file__).resolve().parent.parent
OBSERVER_QUEUE = "kemala-local-observer"
# Operators' alarms; citizens' SMS (they reach receive_sms); SES's Send events (they reach record_receipts).
NOT_OBSERVED = {"OperatorsTopic", "SmsInboundTopic", "MailEventsTopic"}


def _is_binary_media_type(self, headers) -> bool:
    """API Gateway matches binary media types on the media type alone (a multipart form's boundary
    parameter does not matter); `chalice local` compares the whole header."""
    return headers.get("content-type", "").split(";")[0].strip().lower() in self._binary_types


LambdaEventConverter._is_binary = _is_binary_media_type


class LocalStack:
    def __init__(self, stage: str = "dev", sla: dict[str, int] | None = None, x: XEmulator | None = None,
                 lambda_log: Path = ROOT / "build" / "lambda.log") -> None:
        self.stage = stage
        self.sla = sla or {}  # RESPONSE_SLA_SECONDS, RESOLUTION_SLA_SECONDS, LADDER_STEP_SECONDS
        self.aws = LocalAws(lambda_log)
        self.x = x or XEmulator()
        self.sms = SmsEmulator()
        self.api_url = ""
        self.state_machine_arn = ""
        self.observer_queue_url = ""
        self.function_names: dict[str, str] = {}  # chalice name -> deployed name
        self._api_server = None

    def start(self) -> "LocalStack":
        self.aws.start()
        self.x.start()
        self.sms.start()
        stage_config = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][self.stage]
        os.environ.update(stage_config["environment_variables"])
        os.environ.update({"X_API_BASE_URL": self.x.base_url, "SMS_ENDPOINT_URL": self.sms.base_url,
                           "POWERTOOLS_TRACE_DISABLED": "true"})
        os.environ.update({name: str(seconds) for name, seconds in self.sla.items()})
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        app_module = importlib.import_module("app")

        template = merge_template(self.stage)
        defaults = {name: spec["Default"] for name, spec in template["Parameters"].items() if "Default" in spec}
        resolver = Resolver(REGION, ACCOUNT, {**defaults, "Stage": self.stage, "RestAPI": "local"})
        chalice_app = app_module.app
        functions = [(f.name, f.handler_string) for f in chalice_app.pure_lambda_functions]
        functions += [(e.name, e.handler_string) for e in chalice_app.event_sources]
        timeouts = {name: spec.get("lambda_timeout", 30) for name, spec in stage_config["lambda_functions"].items()}
        for name, handler in functions:
            deployed = f"kemala-{self.stage}-{name}"
            arn = self.aws.create_function(deployed, handler, timeouts.get(name, 30))
            self.function_names[name] = deployed
            resolver.refs[to_cfn_resource_name(name)] = deployed
            resolver.attrs[to_cfn_resource_name(name)] = {"Arn": arn}

        session = self.aws.session()
        Provisioner(session, resolver).create_all(template)
        self.state_machine_arn = resolver.refs["TicketWorkflow"]
        for logical, resource in template["Resources"].items():
            variables = resource.get("Properties", {}).get("Environment", {}).get("Variables")
            if variables and "Type" not in resource:  # a Chalice function's extra variables
                os.environ.update({k: resolver.resolve(v) for k, v in variables.items()})
        os.environ["USER_POOL_JWKS_URL"] = f"{self.aws.endpoint}/{resolver.refs['UserPool']}/.well-known/jwks.json"
        session.client("secretsmanager").put_secret_value(
            SecretId=resolver.refs["XCredentialsSecret"], SecretString=json.dumps(CREDENTIALS))
        self._subscribe_observer(session, template, resolver)
        self.sms.sns, self.sms.topic_arn = session.client("sns"), resolver.refs["SmsInboundTopic"]
        self._start_api(chalice_app)
        bootstrap.reset()  # the functions' environment is complete: build from it on first use
        use_tables(get_settings().tables)
        return self

    def _subscribe_observer(self, session, template: dict, resolver: Resolver) -> None:
        sqs, sns = session.client("sqs"), session.client("sns")
        self.observer_queue_url = sqs.create_queue(QueueName=OBSERVER_QUEUE)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.observer_queue_url,
                                             AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for logical, resource in template["Resources"].items():
            if resource.get("Type") == "AWS::SNS::Topic" and logical not in NOT_OBSERVED:
                sns.subscribe(TopicArn=resolver.refs[logical], Protocol="sqs", Endpoint=queue_arn)

    def _start_api(self, chalice_app) -> None:
        config = Config.create(chalice_stage=self.stage, app_name="kemala", chalice_app=chalice_app)
        self._api_server = create_local_server(chalice_app, config, "127.0.0.1", 0)
        ChaliceRequestHandler.log_message = lambda *args: None  # no access log on the terminal
        self.api_url = f"http://127.0.0.1:{self._api_server.server.server_address[1]}"
        os.environ["PUBLIC_BASE_URL"] = self.api_url
        threading.Thread(target=self._api_server.server.serve_forever, daemon=True).start()

    def invoke(self, name: str, event: dict | None = None) -> dict:
        """Invoke one of Kemala's Lambda functions through the emulator's Lambda API."""
        response = self.aws.client("lambda").invoke(
            FunctionName=self.function_names[name], Payload=json.dumps(event or {}).encode())
        payload = json.loads(response["Payload"].read())
        if response.get("FunctionError"):
            raise RuntimeError(f"{name} failed: {payload}")
        return payload

    def poll(self) -> dict:
        """What EventBridge does on AWS every minute: run the X poller once."""
        return self.scheduled("poll_x")

    def scheduled(self, name: str) -> dict:
        """Run a scheduled function once, with the event EventBridge gives it."""
        return self.invoke(name, {"version": "0", "id": "local", "detail-type": "Scheduled Event",
                                  "source": "aws.events", "account": ACCOUNT, "time": "1970-01-01T00:00:00Z",
                                  "region": REGION, "resources": [], "detail": {}})

    def mailbox(self, address: str) -> list[tuple[str, str]]:
        """(subject, body) of every e-mail SES sent to this address, oldest first: the local stand-in for an
        inbox (moto's server runs in this process and keeps what it sent)."""
        from moto.ses.models import ses_backends
        sent = ses_backends[ACCOUNT][REGION].sent_messages
        return [(m.subject, m.body) for m in sent if address in (m.destinations or {}).get("ToAddresses", [])]

    def photo(self, key: str) -> bytes:
        bucket = os.environ["PHOTOS_BUCKET"]
        return self.aws.session().client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()

    def execution_names(self) -> set[str]:
        pages = self.aws.session().client("stepfunctions").get_paginator("list_executions").paginate(
            stateMachineArn=self.state_machine_arn)
        return {execution["name"] for page in pages for execution in page["executions"]}

    def stop(self) -> None:
        if self._api_server:
            self._api_server.shutdown()
        self.x.stop()
        self.sms.stop()
        self.aws.stop()
