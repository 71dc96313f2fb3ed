"""The complaint ticket and the state transitions it may go through.

A ticket is created once per complaint (its id derives from the source message, so a
retried intake finds the same ticket) and then moves through the workflow:

    RECEIVED -> CLASSIFIED -> ASSIGNED -> NOTIFIED -> AWAITING_ACK -> ACKNOWLEDGED
                                                       AWAITING_ACK -> ESCALATED -> ACKNOWLEDGED
    NOTIFIED | AWAITING_ACK | ESCALATED -> ASSIGNED (reassigned to another agency, notified anew)

Every transition is checked here and recorded in the ticket's history, so the record of
which agency answered and how fast (Pergub 13/2018) comes from one place.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta


class InvalidTransitionError(Exception):
    """A ticket was asked to move to a state it cannot reach from where it is."""


class Status(str, enum.Enum):
    RECEIVED = "RECEIVED"
    CLASSIFIED = "CLASSIFIED"
    ASSIGNED = "ASSIGNED"
    NOTIFIED = "NOTIFIED"
    AWAITING_ACK = "AWAITING_ACK"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    ESCALATED = "ESCALATED"


_ALLOWED: dict[Status, set[Status]] = {
    Status.RECEIVED: {Status.CLASSIFIED},
    Status.CLASSIFIED: {Status.ASSIGNED},
    Status.ASSIGNED: {Status.NOTIFIED},
    Status.NOTIFIED: {Status.AWAITING_ACK, Status.ACKNOWLEDGED, Status.ASSIGNED},
    Status.AWAITING_ACK: {Status.ACKNOWLEDGED, Status.ESCALATED, Status.ASSIGNED},
    Status.ESCALATED: {Status.ACKNOWLEDGED, Status.ASSIGNED},
    Status.ACKNOWLEDGED: set(),
}


def ticket_id_for(channel: str, source_id: str) -> str:
    """The ticket id of a complaint: stable for the same source message, so intake is idempotent."""
    prefix = {"x": "X", "web": "W", "sms": "S", "app": "A"}[channel]
    return f"{prefix}{source_id}"


@dataclass(frozen=True)
class Classification:
    agency: str
    region: str | None
    urgency: str
    confidence: float
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Correction:
    """A person's routing decision that differs from the model's: a labelled example for retraining."""

    ticket_id: str
    text: str
    predicted: str
    agency: str
    by: str
    at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    status: Status
    note: str = ""


@dataclass
class Ticket:
    ticket_id: str
    channel: str
    source_id: str
    text: str
    received_at: datetime
    author: str | None = None
    status: Status = Status.RECEIVED
    classification: Classification | None = None
    agency: str | None = None
    copy_region: str | None = None  # regency/city government that gets a copy, if the agency's work needs it
    due_at: datetime | None = None
    notified_at: datetime | None = None
    acknowledged_at: datetime | None = None
    escalated_at: datetime | None = None
    task_token: str | None = None
    reply_id: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    version: int | None = None  # optimistic-locking counter kept by the repository

    def _move(self, to: Status, at: datetime, note: str = "") -> None:
        if to not in _ALLOWED[self.status]:
            raise InvalidTransitionError(f"ticket {self.ticket_id}: {self.status.value} -> {to.value} is not allowed")
        self.status = to
        self.history.append(HistoryEntry(at=at, status=to, note=note))

    def classify(self, classification: Classification, at: datetime) -> None:
        self._move(Status.CLASSIFIED, at, f"{classification.agency} ({classification.confidence:.2f})")
        self.classification = classification

    def assign(self, agency: str, due_at: datetime, at: datetime, copy_region: str | None = None) -> None:
        self._move(Status.ASSIGNED, at, agency)
        self.agency = agency
        self.due_at = due_at
        self.copy_region = copy_region

    def reassign(self, agency: str, due_at: datetime, at: datetime, by: str, copy_region: str | None = None) -> None:
        """The handling agency (or the triage desk) hands the ticket to the right agency."""
        if agency == self.agency:
            raise InvalidTransitionError(f"ticket {self.ticket_id} is already with {agency}")
        previous = self.agency
        self._move(Status.ASSIGNED, at, f"{previous} -> {agency} oleh {by}")
        self.agency, self.due_at, self.copy_region = agency, due_at, copy_region
        self.task_token = None
        self.notified_at = None

    def mark_notified(self, at: datetime) -> None:
        self._move(Status.NOTIFIED, at, self.agency or "")
        self.notified_at = at

    def await_acknowledgement(self, task_token: str, at: datetime) -> None:
        """Park the ticket until its agency acknowledges; keeps the token that resumes the workflow.

        An escalated ticket keeps waiting (for a late acknowledgement) without leaving ESCALATED.
        """
        if self.status is not Status.ESCALATED:
            self._move(Status.AWAITING_ACK, at)
        self.task_token = task_token

    def acknowledge(self, agency: str, at: datetime) -> None:
        if agency != self.agency:
            raise InvalidTransitionError(f"ticket {self.ticket_id} is assigned to {self.agency}, not {agency}")
        self._move(Status.ACKNOWLEDGED, at, agency)
        self.acknowledged_at = at

    def escalate(self, at: datetime) -> None:
        self._move(Status.ESCALATED, at, self.agency or "")
        self.escalated_at = at
        self.task_token = None

    @property
    def is_acknowledged(self) -> bool:
        return self.status is Status.ACKNOWLEDGED

    def response_time(self) -> timedelta | None:
        """How long the agency took to acknowledge, measured from when it was notified."""
        if self.acknowledged_at is None or self.notified_at is None:
            return None
        return self.acknowledged_at - self.notified_at
