"""SLA arithmetic: two clocks per ticket, set by the holding agency and the complaint's urgency.

The response clock stops when the agency acknowledges or answers; the resolution clock when it
resolves. Both run on wall-clock time (the governor's 1x24 hours rule counts calendar time, not
office hours). The escalation ladder climbs one level per `ladder` interval past a deadline.
Drills, demos and tests replace the NORMAL deadlines with fixed seconds; the other urgency levels
then scale in the same proportion as the directory's hours.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

URGENCY_LEVELS = ("EMERGENCY", "HIGH", "NORMAL")
LATE_WAIT = timedelta(days=30)  # after the top of the ladder, a late answer is still recorded this long


@dataclass(frozen=True)
class Hours:
    response: float
    resolution: float


@dataclass(frozen=True)
class Deadlines:
    response_due: datetime
    resolution_due: datetime
    ladder: timedelta


@dataclass(frozen=True)
class SlaPolicy:
    """Overrides of the NORMAL deadlines and of the ladder interval, in seconds (None: the directory's)."""

    response_seconds: int | None = None
    resolution_seconds: int | None = None
    ladder_seconds: int | None = None

    def deadlines(self, hours: Mapping[str, Hours], urgency: str, ladder_hours: float, start: datetime) -> Deadlines:
        """The deadlines of a ticket given to an agency (its hours per urgency) at `start`."""
        level, normal = hours.get(urgency, hours["NORMAL"]), hours["NORMAL"]
        response = _scaled(level.response, normal.response, self.response_seconds)
        resolution = _scaled(level.resolution, normal.resolution, self.resolution_seconds)
        ladder = (timedelta(seconds=self.ladder_seconds) if self.ladder_seconds is not None
                  else min(timedelta(hours=ladder_hours), response))
        return Deadlines(start + response, start + max(resolution, response), ladder)


def _scaled(hours: float, normal_hours: float, normal_override_seconds: int | None) -> timedelta:
    if normal_override_seconds is None:
        return timedelta(hours=hours)
    return timedelta(seconds=max(1.0, normal_override_seconds * hours / normal_hours))


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from now to a deadline, at least 1 (a Step Functions timeout must be positive)."""
    return max(1, int((moment - now).total_seconds()))
