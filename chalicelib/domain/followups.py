"""What citizens add to a ticket after filing it, and when that reopens it.

A follow-up is recorded on the ticket it joins (with its source message's id, so a message delivered
twice is recorded once) and shown to the agency. One that says the problem is not fixed (a phrase of
`data/followups.yaml`: "belum", "masih rusak", "tidak ada perbaikan"...) within REOPEN_WINDOW of the
ticket's resolution reopens it (`Ticket.reopen`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from chalicelib.domain.datafiles import load_yaml
from chalicelib.domain.text import normalize

_TICKET_NUMBER = re.compile(r"\b(X\d{5,25}|(?:SMS|WEB|APP|API)[A-Z2-7]{8,40})\b", re.IGNORECASE)


@dataclass
class FollowUp:
    source: str  # `<channel>:<message id>`: the same message is recorded once
    text: str
    at: datetime
    reopened: bool = False  # this follow-up reopened the ticket
    alerted: bool = False  # the agency has been told


@lru_cache(maxsize=1)
def _rules() -> dict:
    return load_yaml("followups.yaml")


def reopen_window() -> timedelta:
    return timedelta(days=_rules()["reopen_days"])


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize(phrase)) for phrase in _rules()["not_fixed"])


def says_not_fixed(text: str) -> bool:
    """Whether the text says the problem is still there (one of the phrases, as whole words)."""
    words = normalize(text)
    return any(words[i:i + len(p)] == list(p) for p in _phrases() for i in range(len(words) - len(p) + 1))


def quoted_ticket(text: str) -> str | None:
    """The ticket number a message quotes (`SMSABCD...`, `X1862...`, `WEB...`), in capitals, if any."""
    found = _TICKET_NUMBER.search(text)
    return found.group(1).upper() if found else None
