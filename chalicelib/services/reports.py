"""The governor's office overview and the monthly Pergub 13/2018 report.

Both evaluate the complaints received in a period (read month by month through the `month`
index) from their recorded history, as of the end of the period or now, whichever is earlier:
a past month gives the same figures every time it is asked for. The open backlog is that of the
period's complaints (each agency's whole open queue is one click away, through the `queue` index).
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chalicelib.domain.access import User, require_overview
from chalicelib.domain.evaluation import AgencyFigures, evaluate, incident_of
from chalicelib.domain.messages import WIB
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import TicketQueries

RESPONSE_BUCKETS = (1, 4, 24, 72)  # hours: the response-time distribution's bucket edges


@dataclass
class Overview:
    start: date
    end: date  # inclusive
    as_of: datetime
    agencies: list[AgencyFigures]
    tickets: list[Ticket]

    @property
    def incidents(self) -> int:
        """Distinct problems among the period's reports (linked reports count once)."""
        return len({incident_of(t) for t in self.tickets})

    def per_day(self) -> dict[str, int]:
        counts = Counter(f"{t.received_at.astimezone(WIB):%Y-%m-%d}" for t in self.tickets)
        return {f"{day:%Y-%m-%d}": counts.get(f"{day:%Y-%m-%d}", 0) for day in _days(self.start, self.end)}

    def by(self, what: str) -> Counter:
        """Complaints per regency/city (`region`) or per topic (`agency` routing chose)."""
        return Counter(getattr(t.classification, what) or "?" for t in self.tickets if t.classification)

    def response_distribution(self) -> dict[str, list[int]]:
        """Per agency, how many first responses fell in each bucket (<=1 h, <=4 h, <=24 h, <=72 h, more)."""
        result = {}
        for f in self.agencies:
            counts = [0] * (len(RESPONSE_BUCKETS) + 1)
            for hours in f.response_hours:
                counts[bisect.bisect_left(RESPONSE_BUCKETS, hours)] += 1
            result[f.agency] = counts
        return result


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def months_between(start: date, end: date) -> list[str]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(f"{current:%Y-%m}")
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def month_bounds(month: str) -> tuple[date, date]:
    first = datetime.strptime(month, "%Y-%m").date()
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


class Reports:
    def __init__(self, c: Collaborators, queries: TicketQueries) -> None:
        self._c = c
        self._queries = queries

    def _deadlines(self, agency: str, urgency: str, start: datetime) -> Deadlines:
        a = self._c.directory[agency]
        return self._c.sla.deadlines(a.sla, urgency, a.ladder_hours, start)

    def evaluate(self, start: date, end: date) -> Overview:
        """The figures of complaints received from `start` to `end` (WIB days, inclusive)."""
        first = datetime.combine(start, time.min, WIB)
        after = datetime.combine(end + timedelta(days=1), time.min, WIB)
        as_of = min(self._c.clock(), after)
        tickets = [t for month in months_between(start, end) for t in self._queries.received_in(month)
                   if first <= t.received_at < after]
        figures = evaluate(tickets, self._deadlines, as_of)
        ranked = sorted(figures.values(), key=lambda f: (-(f.responded_in_time_pct or 0), f.agency))
        return Overview(start, end, as_of, ranked, tickets)

    def overview(self, user: User, start: date, end: date) -> Overview:
        require_overview(user)
        return self.evaluate(start, end)

    def monthly(self, user: User, month: str) -> Overview:
        """The Pergub 13/2018 report of a month: backlog and oldest open as of the month's end."""
        require_overview(user)
        return self.evaluate(*month_bounds(month))
