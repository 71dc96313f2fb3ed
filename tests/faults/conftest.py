"""The fault-injection suite's harness: faults armed on the session's embedded stack, one complaint per
case driven until it settles, its exactly-once figures read back, and a table of every case printed
at the end of the run.

`make test` runs the cases marked representative; `make test-faults` (FAULTS=all) runs the matrix.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field

import pytest

from local import faults
from local.observe import Notification, drain_notifications

ROWS: list["Outcome"] = []


@dataclass
class Outcome:
    """What one case ended with, for one complaint."""

    case: str
    injected: str
    fired: int = 0
    tickets: int = 0
    executions: int = 0
    failed_executions: int = 0
    agency_notifications: int = 0  # new_ticket alerts per assignment (one assignment per case)
    same_alert_max: int = 0  # the most times one alert (kind, topic) arrived
    agency_emails: int = 0  # e-mails announcing the new ticket to its agency
    same_email_max: int = 0  # the most times one e-mail (recipient, subject) was sent
    reminders: int = 0  # reminders and escalations (legitimate when a case outlasts the stack's short SLA)
    posts: int = 0  # Kemala's posts in the complaint's thread
    parts: int = 0  # the parts of every message recorded for the citizen
    undelivered: int = 0
    poll_errors: int = 0
    api_errors: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def exactly_once(self) -> bool:
        return (self.tickets == 1 and self.executions == 1 and self.failed_executions == 0
                and self.agency_notifications == 1 and self.same_alert_max == 1
                and self.agency_emails == 1 and self.same_email_max == 1 and self.posts == self.parts
                and self.undelivered == 0)


class Observer:
    """The agencies' inboxes: every notification read off the observer queue, kept by ticket."""

    def __init__(self, stack) -> None:
        self._sqs = stack.aws.session().client("sqs")
        self._url = stack.observer_queue_url
        self.by_ticket: dict[str, list[Notification]] = defaultdict(list)

    def read(self, ticket_id: str) -> list[Notification]:
        for note in drain_notifications(self._sqs, self._url):
            self.by_ticket[note.ticket_id].append(note)
        return self.by_ticket[ticket_id]


@pytest.fixture(scope="session")
def observer(stack) -> Observer:
    faults.install()
    return Observer(stack)


@pytest.fixture(autouse=True)
def disarmed():
    faults.FAULTS.clear()
    yield
    faults.FAULTS.clear()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("FAULTS") == "all":
        return
    skip = pytest.mark.skip(reason="full fault matrix: make test-faults")
    for item in items:
        if item.get_closest_marker("faults") and not item.get_closest_marker("representative"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not ROWS:
        return
    columns = ["case", "injected", "fired", "tickets", "executions", "failed_executions", "agency_notifications",
               "same_alert_max", "agency_emails", "same_email_max", "reminders", "posts", "parts", "undelivered", "poll_errors", "api_errors",
               "exactly_once", "note"]
    table = [[str(getattr(row, c)) for c in columns] for row in ROWS]
    widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(columns)]
    terminalreporter.write_sep("=", "faults injected and outcomes")
    terminalreporter.write_line("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in table:
        terminalreporter.write_line("  ".join(v.ljust(w) for v, w in zip(row, widths)))
