"""The Pergub 13/2018 record: how each agency handled the complaints it was given, from the history.

A ticket's history is cut into *spells*, one per agency that held it: a spell starts when the
agency is notified and ends when it hands the ticket on, resolves it, or the triage desk closes it.
Its deadlines are recomputed from the time it was assigned, the complaint's urgency and the
directory's hours (as the workflow set them), so any past period can be evaluated again from
what was recorded. Rates are over every spell an agency received, so closing fast without
answering or handing everything on cannot improve them. A ticket the citizen reopened is not
resolved until the agency resolves it again, against the fresh resolution deadline it got then.

Reports and incidents are counted apart: every ticket is a report; the reports linked to one
incident (domain/incidents.py) are one incident, and a report standing alone is one too.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import Status, Ticket

DeadlinesOf = Callable[[str, str, datetime], Deadlines]  # (agency, urgency, assigned at) -> deadlines
_RESPONSES = {Status.ACKNOWLEDGED, Status.ANSWERED, Status.RESOLVED}


@dataclass
class Spell:
    ticket_id: str
    agency: str
    assigned_at: datetime
    notified_at: datetime
    deadlines: Deadlines
    handed_in: bool  # the agency got it from another agency
    first_response: datetime | None = None
    resolved_at: datetime | None = None
    ended_at: datetime | None = None
    handed_on: bool = False

    def response_hours(self) -> float | None:
        return None if self.first_response is None else (self.first_response - self.notified_at).total_seconds() / 3600

    def responded_in_time(self) -> bool:
        return self.first_response is not None and self.first_response <= self.deadlines.response_due

    def resolved_in_time(self) -> bool:
        return self.resolved_at is not None and self.resolved_at <= self.deadlines.resolution_due


def spells(ticket: Ticket, deadlines_of: DeadlinesOf, until: datetime) -> list[Spell]:
    """The ticket's spells as recorded up to `until` (entries after it are ignored)."""
    urgency = ticket.classification.urgency if ticket.classification else "NORMAL"
    result: list[Spell] = []
    assigned_at: datetime | None = None
    previous: Status | None = None
    for entry in ticket.history:
        if entry.at > until:
            break
        current = result[-1] if result and result[-1].ended_at is None else None
        moved, previous = entry.status is not previous, entry.status  # an escalation repeats the status
        if not moved:
            continue
        if entry.status is Status.ASSIGNED:
            if current:
                current.ended_at, current.handed_on = entry.at, True
            assigned_at = entry.at
        elif entry.status is Status.NOTIFIED and entry.agency:
            start = assigned_at or entry.at
            result.append(Spell(ticket.ticket_id, entry.agency, start, entry.at,
                                deadlines_of(entry.agency, urgency, start), handed_in=bool(result)))
        elif current and entry.agency == current.agency and entry.status in _RESPONSES:
            current.first_response = current.first_response or entry.at
            if entry.status is Status.RESOLVED:
                current.resolved_at = current.ended_at = entry.at
        elif current and entry.status is Status.CLOSED:
            current.ended_at = entry.at
        elif entry.status is Status.REOPENED and result and result[-1].agency == entry.agency:
            spell = result[-1]
            spell.resolved_at = spell.ended_at = None
            fresh = deadlines_of(spell.agency, urgency, entry.at)
            spell.deadlines = Deadlines(spell.deadlines.response_due, fresh.resolution_due, fresh.ladder)
    return result


def incident_of(ticket: Ticket) -> str:
    """The problem a report is about: its incident, or the report itself when it stands alone."""
    return ticket.incident or ticket.ticket_id


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the value below which `fraction` of the values lie)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


@dataclass
class AgencyFigures:
    agency: str
    received: int = 0
    responded_in_time: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    handed_in: int = 0
    handed_on: int = 0
    open: int = 0
    oldest_open: datetime | None = None
    response_hours: list[float] = field(default_factory=list)
    escalations: Counter = field(default_factory=Counter)  # level -> count
    ticket_ids: list[str] = field(default_factory=list)
    problems: set[str] = field(default_factory=set)  # the incidents its reports are about

    @property
    def incidents(self) -> int:
        return len(self.problems)

    @property
    def responded_in_time_pct(self) -> float | None:
        return _pct(self.responded_in_time, self.received)

    @property
    def resolved_in_time_pct(self) -> float | None:
        return _pct(self.resolved_in_time, self.received)

    @property
    def median_response_hours(self) -> float | None:
        return statistics.median(self.response_hours) if self.response_hours else None

    @property
    def p90_response_hours(self) -> float | None:
        return percentile(self.response_hours, 0.9)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def evaluate(tickets: Iterable[Ticket], deadlines_of: DeadlinesOf, until: datetime) -> dict[str, AgencyFigures]:
    """Figures per agency for these tickets (the complaints received in a period), as of `until`."""
    figures: dict[str, AgencyFigures] = defaultdict(lambda: AgencyFigures(""))
    for ticket in tickets:
        for spell in spells(ticket, deadlines_of, until):
            f = figures[spell.agency]
            f.agency = spell.agency
            f.received += 1
            f.ticket_ids.append(ticket.ticket_id)
            f.problems.add(incident_of(ticket))
            f.responded_in_time += spell.responded_in_time()
            f.resolved += spell.resolved_at is not None
            f.resolved_in_time += spell.resolved_in_time()
            f.handed_in += spell.handed_in
            f.handed_on += spell.handed_on
            if spell.response_hours() is not None:
                f.response_hours.append(spell.response_hours())
            if spell.ended_at is None:
                f.open += 1
                f.oldest_open = min(filter(None, (f.oldest_open, spell.notified_at)))
        for escalation in ticket.escalations:
            if escalation.at <= until and escalation.agency:
                figures[escalation.agency].agency = escalation.agency
                figures[escalation.agency].escalations[escalation.level] += 1
    return dict(figures)
