"""SLA arithmetic: when an agency's answer is due, and how late it is.

Deadlines run on wall-clock hours (the governor's 1x24 hours rule counts calendar time, not
office hours). A configured override, used in staging drills and tests, replaces every agency's
response window with a fixed number of seconds.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.directory import Agency


def response_window(agency: Agency, override_seconds: int | None = None) -> timedelta:
    if override_seconds is not None:
        return timedelta(seconds=override_seconds)
    return timedelta(hours=agency.response_hours)


def due_at(start: datetime, window: timedelta) -> datetime:
    return start + window

