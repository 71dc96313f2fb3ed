"""Renders the messages people read: what citizens are told, agency alerts, reminders,
escalations and emergency pages.

Templates are data (`data/templates.yaml`); times are shown in WIB (UTC+7, no daylight saving).
A citizen's words are quoted line by line in e-mails, so they can never pass for Kemala's own lines.
Each e-mail has a text and an HTML part from the same template: in HTML every value is escaped, the
citizen's words sit in a blockquote, and the only links are Kemala's own (`*_url` fields).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from html import escape

from chalicelib.domain.datafiles import load_yaml
from chalicelib.domain.directory import Agency, RegionOffice, load_directory
from chalicelib.domain.followups import FollowUp
from chalicelib.domain.privacy import mask
from chalicelib.domain.tickets import MessageKind, Privacy, Status, Ticket

WIB = timezone(timedelta(hours=7), "WIB")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_CHANNELS = {"x": "X (Twitter) #KemalaJateng", "web": "situs LaporGub!", "sms": "SMS", "app": "aplikasi LaporGub!",
             "api": "Open311 (sistem mitra)"}
_URGENCY = {"EMERGENCY": "DARURAT", "HIGH": "TINGGI", "NORMAL": "BIASA"}
_CLOCK_NAME = {"response": "tanggapan", "resolution": "penyelesaian"}
_CLOCK_VERB = {"response": "ditanggapi", "resolution": "diselesaikan"}
_PAGE_LIMIT = 160  # one SMS
STATUS_LABELS = {
    Status.RECEIVED: "Diterima",
    Status.CLASSIFIED: "Sedang diteruskan",
    Status.ASSIGNED: "Sedang diteruskan",
    Status.NOTIFIED: "Diteruskan ke instansi",
    Status.ACKNOWLEDGED: "Diterima instansi",
    Status.ANSWERED: "Ditanggapi instansi",
    Status.RESOLVED: "Selesai",
    Status.CLOSED: "Ditutup (bukan aduan)",
    Status.REOPENED: "Dibuka kembali",
}


@dataclass(frozen=True)
class Email:
    subject: str
    body: str  # plain text
    html: str = ""


def format_wib(moment: datetime | None) -> str:
    """`22 Nov 2026 13.05 WIB`: the way times are shown to citizens and agencies."""
    if moment is None:
        return "-"
    local = moment.astimezone(WIB)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H.%M} WIB"


@lru_cache(maxsize=1)
def _templates() -> dict:
    return load_yaml("templates.yaml")


def _region_name(code: str | None) -> str:
    if code is None:
        return "tidak disebut"
    if code == "OUTSIDE":
        return "di luar Jawa Tengah"
    office = load_directory().regions.get(code)
    return f"{office.name} ({code})" if office else code


def quoted(text: str) -> str:
    """The citizen's words, each line behind "> ", control characters dropped."""
    lines = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text).splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines)


def _html_value(name: str, value: object) -> str:
    text = escape(str(value))
    if name.startswith("quoted_"):
        return f"<blockquote>{text.replace(chr(10), '<br>')}</blockquote>"
    return f'<a href="{text}">{text}</a>' if name.endswith("_url") else text


def _email(name: str, fields: dict) -> Email:
    template = _templates()[name]
    subject = template["subject"].format(**fields)
    html_body = template["body"].format(**{k: _html_value(k, v) for k, v in fields.items()})
    paragraphs = "\n".join(f"<p>{part.replace(chr(10), '<br>' + chr(10))}</p>" for part in html_body.split("\n\n"))
    html = _templates()["email_html"].format(subject=escape(subject), paragraphs=paragraphs)
    return Email(subject=subject, body=template["body"].format(**fields), html=html)


def _ticket_fields(ticket: Ticket, agency: Agency, handling: bool = True) -> dict:
    """`handling`: the reader is the agency handling the ticket (its staff and head). Anyone else (a regency
    copy, the governor's office) and, for an anonymous complaint, the agency too, reads the citizen's words
    with phone numbers, NIK and e-mail addresses masked."""
    classification = ticket.classification
    masked = not handling or ticket.privacy is Privacy.ANONYMOUS
    deadlines = ticket.deadlines
    return {
        "ticket_id": ticket.ticket_id, "agency_code": agency.code, "agency_name": agency.name,
        "channel": _CHANNELS.get(ticket.channel, ticket.channel), "received": format_wib(ticket.received_at),
        "notified": format_wib(ticket.notified_at),
        "region": _region_name(classification.region if classification else None),
        "urgency": _URGENCY.get(classification.urgency, "-") if classification else "-",
        "evidence": ", ".join(classification.evidence) if classification and classification.evidence else "-",
        "quoted_text": quoted(mask(ticket.text) if masked else ticket.text),
        "response_due": format_wib(deadlines.response_due if deadlines else None),
        "resolution_due": format_wib(deadlines.resolution_due if deadlines else None),
    }


def citizen_message(kind: MessageKind, ticket: Ticket, agency: Agency, text: str = "") -> str:
    """What the citizen is told (a channel's own wording where templates.yaml has one, `citizen_<channel>`);
    channels split it to their own length."""
    templates = _templates()
    template = templates.get(f"citizen_{ticket.channel}", {}).get(kind.value) or templates["citizen"][kind.value]
    return template.format(
        author=ticket.author or "warga", ticket_id=ticket.ticket_id, agency_name=agency.name, text=text,
        due=format_wib(ticket.deadlines.response_due if ticket.deadlines else None),
    ).strip()


def flood_item(limit: int) -> str:
    """The text of a triage item that takes one sender's messages past the hourly limit."""
    return _templates()["flood_item"].format(limit=limit)


def status_reply(ticket_id: str, ticket: Ticket | None, agency: Agency | None) -> str:
    """A ticket's status in one short message (the reply to `STATUS <ticket>`): no personal data."""
    if ticket is None:
        return _templates()["status_unknown"].format(ticket_id=ticket_id)
    answer = ticket.resolution_note or ticket.latest_answer
    return _templates()["status_reply"].format(
        ticket_id=ticket.ticket_id, agency_name=agency.name if agency else "-",
        status_label=STATUS_LABELS[ticket.status], received=format_wib(ticket.received_at),
        answer=f" Tanggapan: {mask(answer)}" if answer else "")


def agency_notification(ticket: Ticket, agency: Agency, links: dict[str, str]) -> Email:
    """`links`: the agency's signed links by action (acknowledge, answer, resolve, reassign)."""
    return _email("agency_notification", {**_ticket_fields(ticket, agency), **{f"{k}_url": v for k, v in links.items()}})


def follow_up_alert(ticket: Ticket, agency: Agency, follow_up: FollowUp, links: dict[str, str]) -> Email:
    """What the citizen added (`reopened`: it said the problem is not fixed), to the agency holding the
    ticket; masked like the complaint's own text for an anonymous complaint. `links`: answer, resolve."""
    words = mask(follow_up.text) if ticket.privacy is Privacy.ANONYMOUS else follow_up.text
    return _email("reopened" if follow_up.reopened else "follow_up", {
        **_ticket_fields(ticket, agency), "follow_up_at": format_wib(follow_up.at), "quoted_follow_up": quoted(words),
        **{f"{k}_url": v for k, v in links.items()}})


def region_copy(ticket: Ticket, agency: Agency, office: RegionOffice) -> Email:
    return _email("region_copy", {**_ticket_fields(ticket, agency, handling=False), "region_name": office.name})


def _due(ticket: Ticket, clock: str) -> datetime | None:
    if ticket.deadlines is None:
        return None
    return ticket.deadlines.response_due if clock == "response" else ticket.deadlines.resolution_due


def reminder(ticket: Ticket, agency: Agency, clock: str) -> Email:
    """Level 1: to the agency and its head, at the deadline."""
    due = _due(ticket, clock)
    next_level = due + ticket.deadlines.ladder if due and ticket.deadlines else None
    return _email("reminder", {**_ticket_fields(ticket, agency), "clock_name": _CLOCK_NAME[clock],
                               "due": format_wib(due), "next_level": format_wib(next_level)})


def escalation(ticket: Ticket, agency: Agency, clock: str) -> Email:
    """Level 2: to the governor's office."""
    return _email("escalation", {**_ticket_fields(ticket, agency, handling=False), "clock_verb": _CLOCK_VERB[clock],
                                 "due": format_wib(_due(ticket, clock))})


def emergency_page(ticket: Ticket, agency: Agency) -> str:
    """One SMS to the agency's duty officer."""
    fixed = _templates()["emergency_page"].format(ticket_id=ticket.ticket_id, agency_code=agency.code, text="",
                                                  due=format_wib(_due(ticket, "response")))
    room = max(0, _PAGE_LIMIT - len(fixed))
    text = " ".join((mask(ticket.text) if ticket.privacy is Privacy.ANONYMOUS else ticket.text).split())
    text = text if len(text) <= room else text[: max(0, room - 1)] + "…"
    return _templates()["emergency_page"].format(ticket_id=ticket.ticket_id, agency_code=agency.code, text=text,
                                                 due=format_wib(_due(ticket, "response")))
