"""One embedded local stack for the whole session (moto keeps its state in-process), shared by the
suites that run on it: tests/stack and tests/faults."""
from __future__ import annotations

import pytest

from local.stack import ROOT, LocalStack
from tests.stack.conftest import INCIDENT_WINDOW_SECONDS, LADDER_SECONDS, RESOLUTION_SECONDS, SLA_SECONDS


@pytest.fixture(scope="session")
def stack():
    stack = LocalStack(sla={"RESPONSE_SLA_SECONDS": SLA_SECONDS, "RESOLUTION_SLA_SECONDS": RESOLUTION_SECONDS,
                            "LADDER_STEP_SECONDS": LADDER_SECONDS,
                            # Incidents take reports for 45 s here, not 24 h: tests that reuse a text stay apart.
                            "INCIDENT_WINDOW_SECONDS": INCIDENT_WINDOW_SECONDS,
                            # Receipts arrive within milliseconds here: a retry after a crash waits 4 s for them.
                            "ALERT_RECEIPT_SECONDS": 4},
                       lambda_log=ROOT / "build" / "test-lambda.log").start()
    yield stack
    stack.stop()
