"""The AWS emulator: moto's server on loopback, with Lambda tasks dispatched to the real handlers.

Step Functions runs the real ASL (moto's `execute_state_machine`); when a Task invokes a Lambda
function, moto's Lambda backend calls our dispatcher, which imports the function's Chalice handler
("app.tell_citizen") and calls it in-process with a Lambda-like context. A handler exception comes
back with the `x-amz-function-error` header, so the workflow's Retry and Catch see a failed task.
"""
from __future__ import annotations

import importlib
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import boto3
from botocore.config import Config
import requests
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.server import ThreadedMotoServer

from local import delivery

REGION = "ap-southeast-3"  # Jakarta
ACCOUNT = "123456789012"
_NO_TIMEOUT = 24 * 3600  # botocore needs a number


@dataclass
class LambdaContext:
    """What Powertools reads from the Lambda context."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    deadline: float = 0.0  # epoch seconds: when Lambda would stop the invocation (the function's timeout)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000))


_handlers: dict[str, str] = {}  # function name -> "module.attribute"
_timeouts: dict[str, int] = {}  # function name -> its timeout in seconds
_in_lambda = threading.local()


class LambdaOutput(io.TextIOBase):
    """stdout that sends what Lambda handlers print (structured logs, EMF metrics) to a log file,
    the local stand-in for CloudWatch Logs, and everything else to the terminal."""

    def __init__(self, terminal, log_path: Path) -> None:
        self._terminal = terminal
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("a", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        if getattr(_in_lambda, "active", False):
            with self._lock:
                return self._log.write(text)
        return self._terminal.write(text)

    def flush(self) -> None:
        self._terminal.flush()
        self._log.flush()


def _repoint_log_handlers(old, new) -> None:
    """Loggers created before the stack started (Powertools' binds sys.stdout when it is built) write
    to the new stdout too, so that the functions' structured logs reach the log file."""
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.StreamHandler) and handler.stream is old:
                handler.setStream(new)


def _dispatch(self, function_name, qualifier, body, headers, response_headers):
    if (headers or {}).get("X-Amz-Invocation-Type") == "Event":  # asynchronous: Lambda answers 202 at once
        threading.Thread(target=_dispatch, args=(self, function_name, qualifier, body, {}, {}), daemon=True).start()
        return b""
    name = function_name.rsplit(":", 1)[-1] if function_name.startswith("arn:") else function_name
    module_name, _, attribute = _handlers[name].rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    event = json.loads(body) if body else {}
    context = LambdaContext(name, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}", str(uuid.uuid4()),
                            deadline=time.time() + _timeouts.get(name, 30))
    _in_lambda.active = True
    try:
        result = handler(event, context)
    except Exception as error:  # reported to the caller the way Lambda reports an unhandled error
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({
            "errorType": type(error).__name__, "errorMessage": str(error),
            "stackTrace": traceback.format_exception(error)[-3:],
        }).encode()
    finally:
        _in_lambda.active = False
    return json.dumps(result).encode()


def _invoke_async(function_name: str, event: dict) -> None:
    _dispatch(None, function_name, None, json.dumps(event), {"X-Amz-Invocation-Type": "Event"}, {})


@lru_cache(maxsize=None)
def _cached_client(service: str, region: str, endpoint: str):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="ak", aws_secret_access_key="sk",
                        config=Config(retries={"total_max_attempts": 1}, read_timeout=300))


def _speed_up_interpreter(endpoint: str) -> None:
    """The ASL interpreter builds a new boto3 client for every task; reuse one per service instead."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.utils import boto_client

    def boto_client_for(region, service, state_credentials=None):
        return _cached_client(service, region, endpoint)

    boto_client.boto_client_for = boto_client_for
    lambda_eval_utils.boto_client_for = boto_client_for


def _cache_parsing() -> None:
    """moto parses the ASL (ANTLR) for every execution and every JSONPath for every use: parse each once.

    The ANTLR tree is only read after parsing, so it is cached per definition and the evaluation
    components (which executions mutate) are still built fresh from it for every execution. A
    parsed JSONPath is an immutable expression.
    """
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.parse import asl_parser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
    from moto.stepfunctions.parser.asl.utils import json_path

    original = asl_parser.AmazonStateLanguageParser.parse
    if getattr(original, "cached", False):  # a second stack in the same process
        return
    parse_tree = lru_cache(maxsize=16)(lambda definition: original(definition)[1])

    def parse(definition: str):
        tree = parse_tree(definition)
        return Preprocessor().visit(tree), tree

    parse.cached = True
    asl_parser.AmazonStateLanguageParser.parse = staticmethod(parse)
    json_path.parse = lru_cache(maxsize=4096)(json_path.parse)
    result_path.parse = lru_cache(maxsize=4096)(result_path.parse)


def _speed_up_index_queries() -> None:
    """moto answers a query on an index by sorting every item of the table, then filtering and
    sorting the matches again; and it projects INCLUDE attributes by converting the whole item to
    plain JSON once per attribute. For index queries skip the first sort (the matches are sorted
    by the index's keys anyway), and project top-level names (all an index projects) directly."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    sorted_items, query = Table.all_items, Table.query
    if getattr(query, "patched", False):  # a second stack in the same process
        return
    in_index_query = threading.local()

    def all_items(self):
        if not getattr(in_index_query, "active", False):
            return sorted_items(self)
        return [item for entry in self.items.values()
                for item in (entry.values() if self.range_key_attr else [entry])]

    def index_query(self, *args, **kwargs):
        index_name = args[7] if len(args) > 7 else kwargs.get("index_name")  # moto's caller passes it 8th
        in_index_query.active = bool(index_name)
        try:
            return query(self, *args, **kwargs)
        finally:
            in_index_query.active = False

    index_query.patched = True
    Table.all_items, Table.query = all_items, index_query

    general = Item.project

    def project(self, projection_expressions):
        if any(len(path) != 1 for path in projection_expressions):
            return general(self, projection_expressions)
        names = {path[0] for path in projection_expressions}
        projected = Item(hash_key=self.hash_key, range_key=self.range_key, attrs={})
        projected.attrs.update({k: v for k, v in self.attrs.items() if k in names})
        return projected

    Item.project = project


class LocalAws:
    """moto's server in this process; `endpoint` is what AWS_ENDPOINT_URL points at."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""
        self._role_arn = ""
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # moto's ASL interpreter logs as an error the missing path an `IsPresent` test looks for (the
        # NewOrReopened choice on every new ticket), then answers false as Step Functions does.
        logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").addFilter(
            lambda record: "NoSuchJsonPathError" not in record.getMessage())

    def start(self) -> "LocalAws":
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        os.environ.update({
            "AWS_ENDPOINT_URL": self.endpoint, "MOTO_PORT": str(port), "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        })
        requests.post(f"{self.endpoint}/moto-api/config", json={
            "stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False},
        }, timeout=10).raise_for_status()
        if not isinstance(sys.stdout, LambdaOutput):
            terminal = sys.stdout
            sys.stdout = LambdaOutput(terminal, self.log_path)
            _repoint_log_handlers(terminal, sys.stdout)
        LambdaSimpleBackend.invoke = _dispatch
        delivery.install(_invoke_async)
        _speed_up_interpreter(self.endpoint)
        _cache_parsing()
        _speed_up_index_queries()
        self._role_arn = self.session().client("iam").create_role(
            RoleName="kemala-local-lambda", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]}),
        )["Role"]["Arn"]
        return self

    def stop(self) -> None:
        self._server.stop()

    def session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=REGION)

    def client(self, service: str):
        """A client for calls that may take long (a poll that starts a thousand workflows): one
        attempt, no read timeout to cut it short and retry it behind the caller's back."""
        return self.session().client(service, config=Config(retries={"total_max_attempts": 1},
                                                            read_timeout=_NO_TIMEOUT))

    def create_function(self, name: str, handler: str, timeout: int = 30) -> str:
        """Registers a Lambda function whose invocations run `handler` ("module.attribute") in-process."""
        _handlers[name] = handler
        _timeouts[name] = timeout
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("app.py", "# dispatched in-process by local.aws\n")
        return self.session().client("lambda").create_function(
            FunctionName=name, Runtime="python3.11", Handler=handler, Code={"ZipFile": code.getvalue()},
            Role=self._role_arn,
        )["FunctionArn"]
