"""One embedded local stack for the whole session (moto keeps its state in-process)."""
from __future__ import annotations

import time

import pytest

from local.stack import ROOT, LocalStack

SLA_SECONDS = 16  # NORMAL response deadline on the stack (other levels scale)
RESOLUTION_SECONDS = 60
LADDER_SECONDS = 4
INCIDENT_WINDOW_SECONDS = 45


@pytest.fixture(scope="session")
def stack():
    stack = LocalStack(sla={"RESPONSE_SLA_SECONDS": SLA_SECONDS, "RESOLUTION_SLA_SECONDS": RESOLUTION_SECONDS,
                            "LADDER_STEP_SECONDS": LADDER_SECONDS,
                            # Incidents take reports for 45 s here, not 24 h: tests that reuse a text stay apart.
                            "INCIDENT_WINDOW_SECONDS": INCIDENT_WINDOW_SECONDS},
                       lambda_log=ROOT / "build" / "test-lambda.log").start()
    yield stack
    stack.stop()


def wait_until(predicate, timeout: float = 30.0, every: float = 0.25):
    """Polls `predicate` until it returns something truthy; fails the test with what it saw last."""
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
