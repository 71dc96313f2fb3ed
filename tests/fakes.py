"""In-memory stand-ins for the adapters, for service-level tests without any emulator."""
from __future__ import annotations

import copy

from datetime import datetime, timezone

from chalicelib.domain import routing
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.kemala import Kemala
from chalicelib.services.ports import (
    ConcurrentUpdateError, Inbox, RateLimitedError, TicketNotFoundError, WorkflowResumeError,
)


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


class FakeChannel:
    """A citizen channel: serves a prepared inbox (or a 429) and records the replies it was asked to send."""

    code = "x"

    def __init__(self, inbox: Inbox | None = None) -> None:
        self.inbox = inbox
        self.rate_limited = False
        self.cursors: list[str | None] = []
        self.replies: list[tuple[str, str]] = []  # (source id replied to, text)

    def receive(self, cursor: str | None) -> Inbox:
        self.cursors.append(cursor)
        if self.rate_limited:
            raise RateLimitedError(None)
        return self.inbox

    def reply(self, ticket: Ticket, text: str) -> str:
        self.replies.append((ticket.source_id, text))
        return f"r{len(self.replies)}"


class Fakes:
    """A `Kemala` wired to in-memory fakes, and the fakes themselves for assertions."""

    def __init__(self, now: datetime = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc), classify=routing.classify,
                 sla_override_seconds: int | None = None) -> None:
        self.now = now
        self.tickets, self.checkpoints, self.corrections = InMemoryTickets(), InMemoryCheckpoints(), InMemoryCorrections()
        self.workflow, self.notifier, self.channel = FakeWorkflow(), FakeNotifier(), FakeChannel()
        self.kemala = Kemala(Collaborators(
            tickets=self.tickets, checkpoints=self.checkpoints, corrections=self.corrections, workflow=self.workflow,
            notifier=self.notifier, channels={"x": self.channel}, directory=load_directory(), classify=classify,
            links=lambda ticket, action: f"https://kemala.local/tickets/{ticket.ticket_id}/{action}?sig=x",
            clock=lambda: self.now, sla_override_seconds=sla_override_seconds,
        ))
