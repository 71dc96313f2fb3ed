"""The complaint ticket and the transitions it may go through.

A ticket is created once per complaint (its id derives from the source message, so a retried
intake finds the same ticket) and then moves through what agencies actually do:

    RECEIVED -> CLASSIFIED -> ASSIGNED -> NOTIFIED -> ACKNOWLEDGED -> ANSWERED -> RESOLVED
                                          NOTIFIED | ACKNOWLEDGED  -> ANSWERED | RESOLVED
    NOTIFIED | ACKNOWLEDGED | ANSWERED -> ASSIGNED  (handed to another agency, with a reason)
    NOTIFIED | ACKNOWLEDGED            -> CLOSED    (triage desk: not a complaint)
    RESOLVED -> REOPENED (the citizen says it is not fixed, within 7 days) -> ANSWERED | RESOLVED | ASSIGNED

Missed deadlines do not change the status: each escalation is recorded with its level and clock.
Every transition is checked here and recorded in the history with its time and who did it: that
history is the record Pergub 13/2018 evaluates agencies on. Messages to the citizen are recorded
on the ticket with the transition that causes them (`deliveries`), so they go out exactly once.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from chalicelib.domain.directory import TRIAGE
from chalicelib.domain.followups import FollowUp, reopen_window
from chalicelib.domain.sla import Deadlines


class InvalidTransitionError(Exception):
    """A ticket was asked to move to a state it cannot reach from where it is."""


class NotTheHolderError(InvalidTransitionError):
    """An agency acted on a ticket that another agency holds."""


class Status(str, enum.Enum):
    RECEIVED = "RECEIVED"
    CLASSIFIED = "CLASSIFIED"
    ASSIGNED = "ASSIGNED"
    NOTIFIED = "NOTIFIED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    ANSWERED = "ANSWERED"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"  # resolved, then the citizen said it is not fixed: back with the agency


WITH_AGENCY = {Status.NOTIFIED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.REOPENED}
FINISHED = {Status.RESOLVED, Status.CLOSED}
HAND_ON_LIMIT = 2  # hand-ons between agencies before the triage desk decides where a ticket belongs

_ALLOWED: dict[Status, set[Status]] = {
    Status.RECEIVED: {Status.CLASSIFIED},
    Status.CLASSIFIED: {Status.ASSIGNED},
    Status.ASSIGNED: {Status.NOTIFIED},
    Status.NOTIFIED: {Status.ACKNOWLEDGED, Status.ANSWERED, Status.RESOLVED, Status.ASSIGNED, Status.CLOSED},
    Status.ACKNOWLEDGED: {Status.ANSWERED, Status.RESOLVED, Status.ASSIGNED, Status.CLOSED},
    Status.ANSWERED: {Status.ANSWERED, Status.RESOLVED, Status.ASSIGNED},
    Status.RESOLVED: {Status.REOPENED},
    Status.CLOSED: set(),
    Status.REOPENED: {Status.ANSWERED, Status.RESOLVED, Status.ASSIGNED},
}
REDACTED = "[dihapus: postingan ini dihapus oleh penulisnya]"
FLOOD = "flood"  # a ticket holding one account's messages past the hourly limit: for the triage desk


class Privacy(str, enum.Enum):
    """What the reporter chose (LAPOR!'s definitions): PUBLIC; CONFIDENTIAL, the complaint is never
    shown publicly; ANONYMOUS, the agency never sees who reported (Kemala still replies to them)."""

    PUBLIC = "public"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"


class MessageKind(str, enum.Enum):
    """What Kemala tells a citizen: the ticket number, the agency's answer, the resolution
    (or both in one message when an agency resolves without having answered)."""

    TICKET = "ticket"
    ANSWER = "answer"
    RESOLUTION = "resolution"
    ANSWER_AND_RESOLUTION = "answer_resolution"


def ticket_id_for(channel: str, source_id: str) -> str:
    """The ticket id of a complaint: its channel's code and the source message's id (`X1862...`,
    `SMS...`), stable for the same message, so intake is idempotent; any channel code works."""
    return f"{channel.upper()}{source_id}"


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
    actor: str = "kemala"
    note: str = ""
    agency: str | None = None  # who held the ticket when this happened


@dataclass(frozen=True)
class Escalation:
    level: int  # 1: reminder to the agency and alert to its head; 2: the governor's office
    clock: str  # "response" | "resolution"
    agency: str
    at: datetime


@dataclass
class Delivery:
    """One message to the citizen; sent as one or more posts (a numbered thread on X).

    `pending` is the part whose send was started but not confirmed: after a crash or a timeout the
    channel is asked whether that post exists before it is sent again."""

    kind: MessageKind
    text: str  # the agency's own words (answer, resolution note); empty for the ticket number
    agency: str  # who held the ticket when the message was made: its name goes in the message
    post_ids: list[str] = field(default_factory=list)
    pending: int | None = None
    sent: bool = False
    failed: str | None = None  # why it could not be delivered after every retry

    @property
    def waiting(self) -> bool:
        return not self.sent and not self.failed


@dataclass
class AlertStart:
    """An alert to an agency (or its head, a regency office, the governor's office) whose sending
    began at `at`, on these parts; which of them went out, AWS's receipts tell (services/alerting.py)."""

    at: datetime
    parts: tuple[str, ...]  # the channels it goes out on: "sns", "ses"


@dataclass
class Ticket:
    ticket_id: str
    channel: str
    source_id: str
    text: str
    received_at: datetime
    author: str | None = None  # the handle, phone number or e-mail address Kemala replies to
    status: Status = Status.RECEIVED
    privacy: Privacy = Privacy.PUBLIC
    regency: str | None = None  # where the reporter said the problem is (web form): a regency/city code
    kecamatan: str | None = None
    photo: str | None = None  # the stored photo's key
    incident: str | None = None  # the incident this report is linked to (domain/incidents.py)
    hold: str | None = None  # why it goes to the triage desk whatever its text says (FLOOD)
    follow_ups: list[FollowUp] = field(default_factory=list)
    classification: Classification | None = None
    agency: str | None = None
    copy_region: str | None = None  # regency/city government that gets a copy, if the agency's work needs it
    deadlines: Deadlines | None = None
    notified_at: datetime | None = None
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    resolved_at: datetime | None = None
    latest_answer: str | None = None
    resolution_note: str | None = None
    task_token: str | None = None
    escalations: list[Escalation] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    alerts: dict[str, AlertStart] = field(default_factory=dict)  # alert key -> when its sending began
    assignments: int = 0  # how many times the ticket was given to an agency: each is alerted afresh
    version: int | None = None  # optimistic-locking counter kept by the repository

    # --- transitions -----------------------------------------------------------------------------
    def _move(self, to: Status, at: datetime, actor: str = "kemala", note: str = "") -> None:
        if to not in _ALLOWED[self.status]:
            raise InvalidTransitionError(f"ticket {self.ticket_id}: {self.status.value} -> {to.value} is not allowed")
        self.status = to
        self.history.append(HistoryEntry(at=at, status=to, actor=actor, note=note, agency=self.agency))

    def _require_holder(self, agency: str) -> None:
        if agency != self.agency:
            raise NotTheHolderError(f"ticket {self.ticket_id} is with {self.agency}, not {agency}")

    def classify(self, classification: Classification, at: datetime) -> None:
        self._move(Status.CLASSIFIED, at, note=f"{classification.agency} ({classification.confidence:.2f})")
        self.classification = classification

    def assign(self, agency: str, deadlines: Deadlines, at: datetime, copy_region: str | None = None) -> None:
        self.agency, self.deadlines, self.copy_region = agency, deadlines, copy_region
        self._move(Status.ASSIGNED, at, note=agency)
        self.assignments += 1

    def reassign(self, agency: str, deadlines: Deadlines, at: datetime, by: str, reason: str = "",
                 copy_region: str | None = None) -> None:
        """The handling agency (or the triage desk) hands the ticket to the right agency; the new
        agency gets fresh deadlines and the escalation ladder starts again for it."""
        if agency == self.agency:
            raise InvalidTransitionError(f"ticket {self.ticket_id} is already with {agency}")
        previous = self.agency
        self._move(Status.ASSIGNED, at, actor=by, note=f"{previous} -> {agency}" + (f": {reason}" if reason else ""))
        self.agency, self.deadlines, self.copy_region = agency, deadlines, copy_region
        self.assignments += 1
        self.task_token = None
        self.notified_at = self.acknowledged_at = None

    def mark_notified(self, at: datetime) -> None:
        self._move(Status.NOTIFIED, at, note=self.agency or "")
        self.notified_at = at

    def park(self, task_token: str) -> None:
        """Keep the token with which an agency's action resumes the waiting workflow."""
        self.task_token = task_token

    def acknowledge(self, agency: str, at: datetime, actor: str | None = None) -> None:
        self._require_holder(agency)
        self._move(Status.ACKNOWLEDGED, at, actor=actor or agency)
        self.acknowledged_at = at

    def answer(self, agency: str, text: str, at: datetime, actor: str | None = None, forward: bool = True) -> str | None:
        """The agency's public answer. Returns the key of the message that carries it to the citizen,
        or None when the citizen already saw it (an agency's own reply in the complaint's thread)."""
        self._require_holder(agency)
        text = text.strip()
        if not text:
            raise InvalidTransitionError("an answer needs a text for the citizen")
        self._move(Status.ANSWERED, at, actor=actor or agency, note=text)
        self.answered_at = self.answered_at or at
        self.latest_answer = text
        if not forward:
            return None
        key = f"answer-{sum(1 for d in self.deliveries.values() if d.kind is MessageKind.ANSWER) + 1}"
        self.deliveries[key] = Delivery(MessageKind.ANSWER, text, agency)
        return key

    def resolve(self, agency: str, note: str, at: datetime, actor: str | None = None) -> str:
        """The problem is dealt with; the resolution note goes to the citizen, in the same message as
        the answer when the agency had not answered before (one post carries both)."""
        self._require_holder(agency)
        note = note.strip()
        if not note:
            raise InvalidTransitionError("a resolution needs a note for the citizen")
        unanswered = self.answered_at is None
        self._move(Status.RESOLVED, at, actor=actor or agency, note=note)
        self.resolved_at, self.resolution_note = at, note
        self.answered_at = self.answered_at or at
        kind = MessageKind.ANSWER_AND_RESOLUTION if unanswered else MessageKind.RESOLUTION
        self.deliveries["resolution"] = Delivery(kind, note, agency)
        self.task_token = None
        return "resolution"

    def close(self, by: str, reason: str, at: datetime) -> None:
        """The triage desk closes what is not a complaint (thanks, chatter, spam)."""
        if self.agency != TRIAGE:
            raise InvalidTransitionError(f"only the triage desk closes tickets; {self.ticket_id} is with {self.agency}")
        self._move(Status.CLOSED, at, actor=by, note=reason.strip() or "bukan aduan")
        self.task_token = None

    def begin_alerts(self, parts: dict[str, tuple[str, ...]], at: datetime) -> None:
        """Record, before anything is sent, that these alerts (key -> parts) are going out (again, for
        parts found unsent after a crash)."""
        for key, alert_parts in parts.items():
            self.alerts[key] = AlertStart(at, alert_parts)

    def escalate(self, level: int, clock: str, at: datetime) -> None:
        self.escalations.append(Escalation(level, clock, self.agency or "", at))
        self.history.append(HistoryEntry(at=at, status=self.status, note=f"eskalasi {clock} tingkat {level}",
                                         agency=self.agency))
        self.task_token = None

    def link_incident(self, incident_id: str, at: datetime) -> None:
        self.incident = incident_id
        self.history.append(HistoryEntry(at=at, status=self.status, note=f"insiden {incident_id}", agency=self.agency))

    def unlink_incident(self, agency: str, at: datetime) -> str:
        """The handling agency says this report is a different problem: it stands on its own again."""
        self._require_holder(agency)
        if self.incident is None:
            raise InvalidTransitionError(f"ticket {self.ticket_id} is not linked to an incident")
        incident, self.incident = self.incident, None
        self.history.append(HistoryEntry(at=at, status=self.status, actor=agency, note=f"dilepas dari insiden {incident}",
                                         agency=self.agency))
        return incident

    def add_follow_up(self, follow_up: FollowUp) -> bool:
        """Record what the citizen added; False when that message was recorded already."""
        if any(f.source == follow_up.source for f in self.follow_ups):
            return False
        self.follow_ups.append(follow_up)
        return True

    def may_reopen(self, at: datetime) -> bool:
        """Resolved within the reopen window, and the resolution has reached the citizen (or failed to)."""
        resolution = self.deliveries.get("resolution")
        return (self.status is Status.RESOLVED and self.resolved_at is not None
                and at - self.resolved_at <= reopen_window() and not (resolution and resolution.waiting))

    def reopen(self, follow_up: FollowUp, deadlines: Deadlines, at: datetime) -> str | None:
        """The citizen says the problem is not fixed: the ticket goes back to the agency that resolved it
        with a fresh resolution deadline, and stands on its own (returns the incident it leaves, if any).
        The resolution message already sent is kept under its round's key."""
        if not self.may_reopen(at):
            raise InvalidTransitionError(f"ticket {self.ticket_id} cannot be reopened now")
        self._move(Status.REOPENED, at, actor="warga", note="dibuka kembali: warga menyatakan belum selesai")
        if "resolution" in self.deliveries:
            self.deliveries[f"resolution-{self.reopen_round}"] = self.deliveries.pop("resolution")
        self.deadlines, self.resolved_at, self.resolution_note, self.task_token = deadlines, None, None, None
        follow_up.reopened = True
        left, self.incident = self.incident, None
        return left

    def redact(self, at: datetime) -> None:
        """The source post was deleted by its author: its words and author go; the ticket's numbers stay
        (agency, region, urgency, times, history) for the record."""
        self.text, self.author = REDACTED, None
        if self.classification:
            self.classification = replace(self.classification, evidence=[])
        self.history.append(HistoryEntry(at=at, status=self.status, agency=self.agency,
                                         note="teks dan pengirim dihapus: postingan dihapus oleh penulisnya"))

    def tell_ticket_number(self) -> str:
        """Record the message that gives the citizen the ticket number (once); returns its delivery key."""
        key = MessageKind.TICKET.value
        self.deliveries.setdefault(key, Delivery(MessageKind.TICKET, "", self.agency or ""))
        return key

    def next_message(self) -> str | None:
        """The key of the next message waiting to reach the citizen, oldest first (the ticket number,
        the answers in turn, the resolution: each is recorded after the one before it)."""
        return next((key for key, d in self.deliveries.items() if d.waiting), None)

    def undelivered_answer(self) -> str | None:
        """The key of the oldest answer still waiting to reach the citizen."""
        return next((key for key, d in self.deliveries.items() if d.kind is MessageKind.ANSWER and d.waiting), None)

    # --- questions -------------------------------------------------------------------------------
    @property
    def responded(self) -> bool:
        """The holding agency acknowledged or answered (the response clock stopped)."""
        return self.status in {Status.ACKNOWLEDGED, Status.ANSWERED, Status.REOPENED} or self.status in FINISHED

    @property
    def reopen_round(self) -> int:
        """How many times the ticket was reopened (its workflow's reopen executions are numbered by it)."""
        return sum(1 for e in self.history if e.status is Status.REOPENED and e.actor == "warga")

    @property
    def redacted(self) -> bool:
        return self.text == REDACTED

    def hand_ons(self) -> list[HistoryEntry]:
        """Each time a person handed the ticket on (the entry's agency is the one that had it)."""
        return [e for e in self.history if e.status is Status.ASSIGNED and e.actor != "kemala"]

    def would_bounce(self, to: str) -> bool:
        """Handing the ticket to `to` sends it back to an agency that had it, or past HAND_ON_LIMIT."""
        hand_ons = self.hand_ons()
        return to in {e.agency for e in hand_ons} or len(hand_ons) >= HAND_ON_LIMIT

    def routing_correction(self, at: datetime) -> Correction | None:
        """Once the holder of a handed-on ticket takes it up, where it belongs is decided: the model's
        agency against the holder, a labelled example for retraining (None when the model was right)."""
        hand_ons = self.hand_ons()
        predicted = self.classification.agency if self.classification else None
        if not hand_ons or self.agency in (None, predicted, TRIAGE):
            return None
        return Correction(self.ticket_id, self.text, predicted or "", self.agency, hand_ons[-1].actor, at)

    def escalation_levels(self, clock: str) -> list[int]:
        """Levels reached on a clock for the current agency (since the ticket was last reopened)."""
        since = max((e.at for e in self.history if e.status is Status.REOPENED), default=None)
        return [e.level for e in self.escalations
                if e.clock == clock and e.agency == self.agency and (since is None or e.at >= since)]

    def response_time(self) -> timedelta | None:
        """How long the agency took to first respond (acknowledge or answer), from when it was notified."""
        first = min((t for t in (self.acknowledged_at, self.answered_at) if t), default=None)
        if first is None or self.notified_at is None:
            return None
        return first - self.notified_at
