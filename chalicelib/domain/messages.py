"""Renders the messages people read (citizen replies, agency notifications, escalations).

Templates are data (`data/templates.yaml`); times are shown in WIB (UTC+7, no daylight saving).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import yaml

from chalicelib.domain.directory import DATA_DIR, Agency, RegionOffice, load_directory
from chalicelib.domain.tickets import Ticket

WIB = timezone(timedelta(hours=7), "WIB")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_CHANNELS = {"x": "X (Twitter) #KemalaJateng", "web": "situs LaporGub!", "sms": "SMS", "app": "aplikasi LaporGub!"}
_URGENCY = {"EMERGENCY": "DARURAT", "HIGH": "TINGGI", "NORMAL": "BIASA"}
TWEET_LIMIT = 280


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def format_wib(moment: datetime) -> str:
    """`22 Nov 2026 13.05 WIB`: the way times are shown to citizens and agencies."""
    local = moment.astimezone(WIB)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H.%M} WIB"


@lru_cache(maxsize=1)
def _templates() -> dict:
    return yaml.safe_load((DATA_DIR / "templates.yaml").read_text(encoding="utf-8"))


def _region_name(code: str | None) -> str:
    if code is None:
        return "tidak disebut"
    if code == "OUTSIDE":
        return "di luar Jawa Tengah"
    office = load_directory().regions.get(code)
    return f"{office.name} ({code})" if office else code


def citizen_reply(ticket: Ticket, agency: Agency) -> str:
    text = _templates()["citizen_reply"].format(
        author=ticket.author or "warga", ticket_id=ticket.ticket_id, agency_name=agency.name,
        due=format_wib(ticket.due_at) if ticket.due_at else "-",
    )
    return text if len(text) <= TWEET_LIMIT else text[: TWEET_LIMIT - 1] + "…"


def agency_notification(ticket: Ticket, agency: Agency, acknowledge_url: str, reassign_url: str) -> Email:
    template = _templates()["agency_notification"]
    classification = ticket.classification
    fields = {
        "ticket_id": ticket.ticket_id, "agency_code": agency.code, "agency_name": agency.name,
        "channel": _CHANNELS.get(ticket.channel, ticket.channel), "received": format_wib(ticket.received_at),
        "region": _region_name(classification.region if classification else None),
        "urgency": _URGENCY.get(classification.urgency, "-") if classification else "-",
        "evidence": ", ".join(classification.evidence) if classification and classification.evidence else "-",
        "text": ticket.text, "due": format_wib(ticket.due_at) if ticket.due_at else "-",
        "acknowledge_url": acknowledge_url, "reassign_url": reassign_url,
    }
    return Email(subject=template["subject"].format(**fields), body=template["body"].format(**fields))


def region_copy(ticket: Ticket, agency: Agency, office: RegionOffice) -> Email:
    template = _templates()["region_copy"]
    classification = ticket.classification
    fields = {
        "ticket_id": ticket.ticket_id, "agency_code": agency.code, "agency_name": agency.name,
        "region_name": office.name, "due": format_wib(ticket.due_at) if ticket.due_at else "-",
        "urgency": _URGENCY.get(classification.urgency, "-") if classification else "-", "text": ticket.text,
    }
    return Email(subject=template["subject"].format(**fields), body=template["body"].format(**fields))


def escalation(ticket: Ticket, agency: Agency) -> Email:
    template = _templates()["escalation"]
    fields = {
        "ticket_id": ticket.ticket_id, "agency_code": agency.code, "agency_name": agency.name,
        "notified": format_wib(ticket.notified_at) if ticket.notified_at else "-",
        "due": format_wib(ticket.due_at) if ticket.due_at else "-", "text": ticket.text,
    }
    return Email(subject=template["subject"].format(**fields), body=template["body"].format(**fields))
