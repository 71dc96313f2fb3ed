"""Fault injection on the embedded local stack (local only: `local/` is never packaged for Lambda).

Two kinds of fault, both armed in one registry (`FAULTS`) and each firing a given number of times:

- A crash (`Crash`): the Lambda function dies at a step boundary, just before or just after one of its
  side effects (`tickets.add`, `tickets.save`, `sns.publish`, `ses.send`, `x.post`, `sfn.start`, `sfn.resume`), as a
  Lambda killed mid-invocation would; the side effect before it stays done. It is raised from wrappers
  around Kemala's adapters and scoped to one function (its Chalice name; `api` for the HTTP API) and
  one ticket (the ticket the invocation last read or wrote).
- A service error (`ServiceError`): the AWS emulator answers an operation (`dynamodb.PutItem`,
  `stepfunctions.StartExecution`, `sns.Publish`...) with an error, as AWS does under throttling or an
  outage, so the SDK's own retries, then the workflow's Retry, see it. It is raised inside moto's
  request dispatch, scoped by a text the request body contains (a ticket id).

X's failures (429, 5xx, unknown outcomes) are the X emulator's own knobs (`failing_posts`,
`post_timeouts`, `rate_limit`, `post_limit`). `install()` is idempotent; `FAULTS.clear()` disarms all.
With `FAULTS.recording` set, every AWS request is counted per second (the flood benchmark's rates).
"""
from __future__ import annotations

import functools
import importlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import BaseResponse

from chalicelib.adapters.channels.x import XChannel
from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.adapters.notifications import AgencyNotifier
from chalicelib.adapters.workflow import StepFunctionsWorkflow

SIDE_EFFECTS = ("tickets.add", "tickets.save", "sns.publish", "ses.send", "x.post", "sfn.start", "sfn.resume")


class InjectedCrash(RuntimeError):
    """The function died here (injected)."""


@dataclass
class Crash:
    function: str  # the Chalice function name (poll_x, notify_agency...) or "api"
    effect: str  # one of SIDE_EFFECTS
    phase: str  # "before" or "after" the side effect
    ticket_id: str
    times: int = 1
    skip: int = 0  # matching calls let through first (the second save of a step: skip=1)
    fired: int = 0
    passed: int = 0

    def fires(self, function: str, effect: str, phase: str, ticket_id: str | None) -> bool:
        """Whether this call crashes (counting it either way)."""
        if self.fired >= self.times or (self.function, self.effect, self.phase, self.ticket_id) != (
                function, effect, phase, ticket_id):
            return False
        if self.passed < self.skip:
            self.passed += 1
            return False
        self.fired += 1
        return True


@dataclass
class ServiceError:
    operation: str  # "<service>.<Action>", e.g. "dynamodb.PutItem"
    code: str  # the AWS error code, e.g. "ProvisionedThroughputExceededException"
    status: int  # 400 for throttling, 500 for an internal error
    containing: str  # only requests whose body contains this text (a ticket id)
    times: int = 1
    fired: int = 0

    def matches(self, operation: str, body: str) -> bool:
        return self.fired < self.times and self.operation == operation and self.containing in body


@dataclass
class FaultRegistry:
    crashes: list[Crash] = field(default_factory=list)
    errors: list[ServiceError] = field(default_factory=list)
    calls: Counter = field(default_factory=Counter)  # (epoch second, "service.Action") -> requests, when recording
    recording: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def peak_per_second(self, *operations: str) -> tuple[int, int]:
        """The most requests of these operations in one second, and how many in all."""
        per_second: Counter = Counter()
        for (second, operation), count in self.calls.items():
            if operation in operations:
                per_second[second] += count
        return max(per_second.values(), default=0), sum(per_second.values())

    def arm(self, fault: Crash | ServiceError) -> Crash | ServiceError:
        with self._lock:
            (self.crashes if isinstance(fault, Crash) else self.errors).append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.crashes.clear()
            self.errors.clear()

    def crash_point(self, effect: str, phase: str) -> None:
        function = getattr(_current, "function", None) or "api"
        ticket_id = getattr(_current, "ticket_id", None)
        with self._lock:
            crash = next((c for c in self.crashes if c.fires(function, effect, phase, ticket_id)), None)
        if crash:
            raise InjectedCrash(f"injected crash in {function} {phase} {effect} of {ticket_id}")

    def service_error(self, operation: str, body: str) -> ServiceError | None:
        with self._lock:
            error = next((e for e in self.errors if e.matches(operation, body)), None)
            if error:
                error.fired += 1
            return error


FAULTS = FaultRegistry()
_current = threading.local()  # the function running in this thread and the ticket it works on
_installed: list[bool] = []


def _effect(effect: str, ticket_of):
    """Wraps an adapter method: notes its ticket, and gives crashes their chance before and after it."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            ticket_id = ticket_of(*args)
            if ticket_id:
                _current.ticket_id = ticket_id
            FAULTS.crash_point(effect, "before")
            result = method(self, *args, **kwargs)
            FAULTS.crash_point(effect, "after")
            return result
        return wrapper
    return decorate


def _noting_ticket(method):
    @functools.wraps(method)
    def wrapper(self, ticket_id, *args, **kwargs):
        _current.ticket_id = ticket_id
        return method(self, ticket_id, *args, **kwargs)
    return wrapper


def _in_function(name: str, handler):
    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        _current.function, _current.ticket_id = name, None
        try:
            return handler(*args, **kwargs)
        finally:
            _current.function = _current.ticket_id = None
    return wrapper


def _error_response(fault: ServiceError, service: str):
    message = f"injected {fault.code}"
    if service == "sns":  # the query protocol answers in XML
        body = (f"<ErrorResponse><Error><Type>{'Sender' if fault.status < 500 else 'Receiver'}</Type>"
                f"<Code>{fault.code}</Code><Message>{message}</Message></Error></ErrorResponse>")
        return fault.status, {"Content-Type": "text/xml"}, body
    return fault.status, {"X-Amzn-ErrorType": fault.code, "Content-Type": "application/x-amz-json-1.0"}, \
        json.dumps({"__type": fault.code, "message": message})


def _serving_errors(call_action):
    @functools.wraps(call_action)
    def wrapper(self: BaseResponse) -> Any:
        service = self.service_name or ""
        operation = f"{service}.{self._get_action()}"
        if FAULTS.recording:
            FAULTS.calls[(int(time.time()), operation)] += 1
        body = self.body.decode(errors="replace") if isinstance(self.body, bytes) else str(self.body or "")
        body = body or json.dumps(getattr(self, "querystring", {}))  # the query protocol (SNS) parsed it already
        fault = FAULTS.errors and FAULTS.service_error(operation, body)
        return _error_response(fault, service) if fault else call_action(self)
    return wrapper


def install(app_module_name: str = "app") -> None:
    """Arms the wrappers once: Kemala's adapters, moto's dispatch, and the app's handlers (so a crash
    knows which function it is in). Nothing fires until a fault is armed."""
    if _installed:
        return
    repo = DynamoTicketRepository
    repo.get = _noting_ticket(repo.get)
    repo.add = _effect("tickets.add", lambda ticket: ticket.ticket_id)(repo.add)
    repo.save = _effect("tickets.save", lambda ticket: ticket.ticket_id)(repo.save)
    AgencyNotifier._publish = _effect("sns.publish", lambda ticket_id, *rest: ticket_id)(AgencyNotifier._publish)
    AgencyNotifier._mail = _effect("ses.send", lambda ticket_id, *rest: ticket_id)(AgencyNotifier._mail)
    XChannel.send = _effect("x.post", lambda ticket, part, after: ticket.ticket_id)(XChannel.send)
    StepFunctionsWorkflow.start = _effect("sfn.start", lambda ticket_id: ticket_id)(StepFunctionsWorkflow.start)
    StepFunctionsWorkflow.resume = _effect("sfn.resume", lambda token, output: None)(StepFunctionsWorkflow.resume)
    BaseResponse.call_action = _serving_errors(BaseResponse.call_action)
    app_module = importlib.import_module(app_module_name)
    chalice_app = app_module.app
    for function in [*chalice_app.pure_lambda_functions, *chalice_app.event_sources]:
        attribute = function.handler_string.rpartition(".")[2]
        setattr(app_module, attribute, _in_function(function.name, getattr(app_module, attribute)))
    _installed.append(True)
