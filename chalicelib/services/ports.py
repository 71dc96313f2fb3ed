"""The small interfaces the use cases need from the outside world, with the types and errors they
speak in. Adapters implement them (chalicelib/adapters), fakes implement them in tests; no use case
imports an adapter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.access import User
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
    conversation_id: str | None = None  # the thread's first message (X), when the message is a reply


@dataclass(frozen=True)
class Inbox:
    """What one receive call brought (one page), oldest first, and where the next call resumes."""

    messages: list[IncomingMessage]
    cursor: str | None  # opaque to intake: stored once the messages are ingested, handed back on the next call
    complete: bool  # True when the channel has nothing more since the checkpoint: the poll is caught up


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> bool: ...
    def get(self, ticket_id: str) -> Ticket: ...
    def save(self, ticket: Ticket) -> None: ...


class CheckpointStore(Protocol):
    """Opaque strings by key: each stream's cursor, a channel's rate-limit pause, and counters."""

    def get(self, stream: str) -> str | None: ...
    def put(self, stream: str, cursor: str) -> None: ...
    def take_number(self, counter: str) -> int:
        """The next number of an atomic counter (0, 1, 2...): places in a paced queue."""


class Workflow(Protocol):
    def start(self, ticket_id: str) -> bool: ...
    def resume(self, task_token: str, output: dict) -> None: ...


class CorrectionStore(Protocol):
    def add(self, correction: Correction) -> None: ...


class Notifier(Protocol):
    """Agencies, their heads, regency governments and the governor's office, by topic name
    (`agency-dinkes`, `agency-dinkes-head`, `region-3374`, `escalations`); `kind` and `ticket_id`
    travel as message attributes for machine subscribers."""

    def alert(self, topic: str, email: Email, kind: str, ticket_id: str) -> str: ...
    def page(self, topic: str, text: str, ticket_id: str) -> str: ...
    def unreachable(self, topics: list[str]) -> list[str]:
        """Why each of these topics may reach nobody (no confirmed subscriber, opted out...)."""


class CitizenChannel(Protocol):
    """One way citizens reach Kemala and hear back (X, SMS, web...): receive complaints, and reply
    with a message of a kind (ticket number, answer, resolution) in as many parts as the channel needs.

    `send` may raise RateLimitedError (nothing was sent) and any other error (the outcome may be
    unknown: `find_sent` then tells whether that part went out before it is sent again)."""

    code: str
    pacing: tuple[int, int]  # messages per window, window seconds: how a rate-limited queue is spaced

    def receive(self, cursor: str | None) -> Inbox:
        """The next page since the cursor; raises RateLimitedError when the channel refuses for now."""
    def render(self, text: str) -> list[str]: ...
    def send(self, ticket: Ticket, part: str, after: str | None) -> str: ...
    def find_sent(self, ticket: Ticket, part: str) -> str | None: ...


class AgencyReplies(Protocol):
    """A channel where agencies answer citizens from their own accounts (X)."""

    def receive_agency_replies(self, handles: list[str], cursor: str | None) -> Inbox: ...


class Channels(Protocol):
    def __getitem__(self, code: str) -> CitizenChannel: ...


# --- Workspace: reading tickets through indexes, and people's accounts ---------------------------

@dataclass(frozen=True)
class QueueItem:
    """One line of an agency's queue: what the queue page reads from the index, nothing more."""

    ticket_id: str
    agency: str
    status: str
    due: datetime
    received_at: datetime
    channel: str
    urgency: str
    region: str | None
    text: str


class TicketQueries(Protocol):
    """Reads that go through the tickets table's indexes (never a scan)."""

    def open_for(self, agency: str) -> list[QueueItem]:
        """The agency's open tickets, soonest deadline first."""

    def received_in(self, month: str) -> list[Ticket]:
        """Tickets received in a month (`2026-11`, WIB) with their status, classification, history and
        escalations; without the citizen's identity or the messages."""


class LoginFailedError(Exception):
    """Wrong username or password, or an account that cannot sign in yet."""


class InvalidTokenError(Exception):
    """A session token that is missing, forged, expired or not for this app."""


class AccountRefusedError(Exception):
    """The user pool refused a new account; the message says why, in Indonesian."""


class Identity(Protocol):
    """The user pool: signing in, checking a session token, managing accounts."""

    def login(self, username: str, password: str) -> str:
        """A signed ID token for these credentials (raises LoginFailedError)."""

    def verify(self, token: str) -> User: ...
    def usernames(self) -> list[str]: ...
    def create_user(self, username: str, password: str, group: str) -> None:
        """A new account in `group` (raises AccountRefusedError: name taken or invalid, weak password)."""
