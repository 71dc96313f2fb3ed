"""In-memory stand-ins for the adapters, for service-level tests without any emulator."""
from __future__ import annotations

import copy

from chalicelib.adapters.dynamodb import ConcurrentUpdateError, TicketNotFoundError
from chalicelib.adapters.workflow import WorkflowResumeError
from chalicelib.adapters.x_api import RateLimitedError, SearchResult
from chalicelib.domain.tickets import Ticket


class InMemoryTickets:
    def __init__(self) -> None:
        self.rows: dict[str, Ticket] = {}

    def add(self, ticket: Ticket) -> bool:
        if ticket.ticket_id in self.rows:
            return False
        ticket.version = 1
        self.rows[ticket.ticket_id] = copy.deepcopy(ticket)
        return True

    def get(self, ticket_id: str) -> Ticket:
        if ticket_id not in self.rows:
            raise TicketNotFoundError(ticket_id)
        return copy.deepcopy(self.rows[ticket_id])

    def save(self, ticket: Ticket) -> None:
        if self.rows[ticket.ticket_id].version != ticket.version:
            raise ConcurrentUpdateError(ticket.ticket_id)
        ticket.version += 1
        self.rows[ticket.ticket_id] = copy.deepcopy(ticket)


class InMemoryCheckpoints:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, stream: str) -> str | None:
        return self.values.get(stream)

    def put(self, stream: str, since_id: str) -> None:
        if stream not in self.values or int(self.values[stream]) < int(since_id):
            self.values[stream] = since_id


class FakeWorkflow:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.resumed: list[tuple[str, dict]] = []
        self.expired_tokens: set[str] = set()

    def start(self, ticket_id: str) -> bool:
        if ticket_id in self.started:
            return False
        self.started.append(ticket_id)
        return True

    def resume(self, task_token: str, output: dict) -> None:
        if task_token in self.expired_tokens:
            raise WorkflowResumeError("TaskTimedOut")
        self.resumed.append((task_token, output))


class FakeNotifier:
    def __init__(self) -> None:
        self.agency_alerts: list[tuple[str, str, str]] = []  # (topic, ticket_id, agency)
        self.escalations: list[tuple[str, str]] = []
        self.region_copies: list[tuple[str, str, str]] = []
        self.emails = []

    def notify_agency(self, topic, email, ticket_id, agency) -> str:
        self.agency_alerts.append((topic, ticket_id, agency))
        self.emails.append(email)
        return f"msg-{len(self.agency_alerts)}"

    def notify_region(self, topic, email, ticket_id, region) -> str:
        self.region_copies.append((topic, ticket_id, region))
        return f"copy-{len(self.region_copies)}"

    def escalate(self, email, ticket_id, agency) -> str:
        self.escalations.append((ticket_id, agency))
        self.emails.append(email)
        return f"esc-{len(self.escalations)}"


class InMemoryCorrections:
    def __init__(self) -> None:
        self.items = []

    def add(self, correction) -> None:
        self.items.append(correction)


class FakeReplier:
    def __init__(self) -> None:
        self.replies: list[tuple[str, str]] = []

    def reply(self, in_reply_to: str, text: str) -> str:
        self.replies.append((in_reply_to, text))
        return f"r{len(self.replies)}"


class FakeSearch:
    """Serves prepared search results; `rate_limited` makes the next call raise like a 429."""

    def __init__(self, result: SearchResult | None = None) -> None:
        self.result = result
        self.rate_limited = False
        self.calls: list[str | None] = []

    def search_recent(self, query: str, since_id: str | None, max_pages: int) -> SearchResult:
        self.calls.append(since_id)
        if self.rate_limited:
            raise RateLimitedError(None)
        return self.result
