"""The stack suites' settings and waiting helper; the session's one embedded stack is the `stack`
fixture in tests/conftest.py (shared with tests/faults)."""
from __future__ import annotations

import time

import pytest

SLA_SECONDS = 24  # NORMAL response deadline on the stack (other levels scale: BPBD's EMERGENCY and DINKES's NORMAL get 12 s)
RESOLUTION_SECONDS = 60
LADDER_SECONDS = 4
INCIDENT_WINDOW_SECONDS = 45


@pytest.fixture(scope="session")
def accounts(stack):
    """The demo account of each role (`make run` creates the same), created once per session."""
    from local.accounts import create_demo_accounts
    return create_demo_accounts()


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
