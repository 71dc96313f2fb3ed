"""One incident, many reporters: reports of the same problem at the same place within a time window
are linked to one incident, so the agency answers once and every reporter hears it.

Two reports belong to one incident only when all of these hold: the same handling agency, the same
regency/city (a report whose place is unknown or outside the province is never linked), the same
kecamatan when both name one, received within WINDOW (24 h; a setting, shorter on the test stack) of the incident's first report, and similar
words (at least MIN_OVERLAP of the shorter report's content words also in the first report's). The
incident's id is `INC<first ticket id>`: that ticket leads it (its agency alert and reminders stand
for every linked report).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.directory import TRIAGE
from chalicelib.domain.places import OUTSIDE
from chalicelib.domain.text import normalize

WINDOW = timedelta(hours=24)
MIN_OVERLAP = 0.5
PREFIX = "INC"
_STOPWORDS = {"yang", "sudah", "belum", "tolong", "mohon", "segera", "dengan", "untuk", "dari", "karena", "tidak",
              "sangat", "sekali", "juga", "kami", "saya", "warga", "kita", "lagi", "masih", "sejak", "ada", "pak",
              "bapak", "ibu", "num", "kemalajateng"}


@dataclass(frozen=True)
class OpenIncident:
    """What linking needs to know of an incident still open for new reports."""

    incident_id: str
    opened_at: datetime
    kecamatan: str | None
    words: frozenset[str]


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in normalize(text) if len(w) >= 4 and w not in _STOPWORDS)


def place_of(agency: str | None, region: str | None) -> str | None:
    """The key incidents are grouped under, or None when a report must stay on its own."""
    if not agency or agency == TRIAGE or not region or region == OUTSIDE:
        return None
    return f"{agency}#{region}"


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def best_match(incidents: list[OpenIncident], kecamatan: str | None, words: frozenset[str],
               at: datetime, window: timedelta = WINDOW) -> OpenIncident | None:
    """The open incident this report belongs to (the most similar one), or None."""
    fitting = [(overlap(words, i.words), i) for i in incidents
               if abs(at - i.opened_at) <= window and (not kecamatan or not i.kecamatan or kecamatan == i.kecamatan)]
    score, incident = max(fitting, key=lambda pair: pair[0], default=(0.0, None))
    return incident if score >= MIN_OVERLAP else None


def still_open(incidents: list[OpenIncident], now: datetime, window: timedelta = WINDOW) -> list[OpenIncident]:
    return [i for i in incidents if now - i.opened_at <= window]


def leads(incident_id: str | None, ticket_id: str) -> bool:
    """The ticket stands alone or leads its incident (its alert and reminders stand for all)."""
    return incident_id is None or incident_id == f"{PREFIX}{ticket_id}"
