"""The small interfaces the use cases need from the outside world, with the types and errors they
speak in. Adapters implement them (chalicelib/adapters), fakes implement them in tests; no use case
imports an adapter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.messages import Email
from chalicelib.domain.tickets import Correction, Ticket


class TicketNotFoundError(KeyError):
    """No ticket has that id."""


class ConcurrentUpdateError(Exception):
    """The ticket changed since it was read; the caller retries with a fresh copy."""


class WorkflowResumeError(Exception):
    """The waiting workflow could not be resumed (its task already timed out or finished)."""


class RateLimitedError(Exception):
    """A citizen channel refused a call for now; `reset_at` (epoch seconds) says when to try again."""

    def __init__(self, reset_at: int | None) -> None:
        super().__init__(f"rate limited until {reset_at}")
        self.reset_at = reset_at


@dataclass(frozen=True)
class IncomingMessage:
    """A message from a citizen channel, in the channel's own ids."""

    channel: str
    source_id: str
    text: str
    author: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class Inbox:
    """What one receive call brought, oldest first, and where the next call resumes."""

    messages: list[IncomingMessage]
    cursor: str | None
    complete: bool  # False when the channel stopped early (rate limit): the cursor must not move


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> bool: ...
    def get(self, ticket_id: str) -> Ticket: ...
    def save(self, ticket: Ticket) -> None: ...


class CheckpointStore(Protocol):
    def get(self, stream: str) -> str | None: ...
    def put(self, stream: str, cursor: str) -> None: ...


class Workflow(Protocol):
    def start(self, ticket_id: str) -> bool: ...
    def resume(self, task_token: str, output: dict) -> None: ...


class CorrectionStore(Protocol):
    def add(self, correction: Correction) -> None: ...


class Notifier(Protocol):
    def notify_agency(self, topic: str, email: Email, ticket_id: str, agency: str) -> str: ...
    def notify_region(self, topic: str, email: Email, ticket_id: str, region: str) -> str: ...
    def escalate(self, email: Email, ticket_id: str, agency: str) -> str: ...


class CitizenChannel(Protocol):
    """One way citizens reach Kemala and hear back (X, SMS, web...): receive complaints, reply in kind."""

    code: str

    def receive(self, cursor: str | None) -> Inbox: ...
    def reply(self, ticket: Ticket, text: str) -> str: ...


class Channels(Protocol):
    def __getitem__(self, code: str) -> CitizenChannel: ...
