"""What the API shows people: a ticket's public status and the pages behind the agencies' signed
links (Indonesian, WIB). Nothing here reaches a database: handlers pass what they read."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from chalicelib.domain.directory import Directory
from chalicelib.domain.links import SignedLink
from chalicelib.domain.messages import STATUS_LABELS, format_wib
from chalicelib.domain.privacy import mask
from chalicelib.domain.tickets import Ticket
from chalicelib.http.inputs import FIELD_LIMITS


# The signed-link actions: what the page asks, the form field it needs, and the button.
ACTIONS = {
    "acknowledge": ("Konfirmasi penerimaan tiket", None, "Kami terima dan tindak lanjuti"),
    "answer": ("Jawaban untuk warga", "text", "Kirim jawaban"),
    "resolve": ("Nyatakan tiket selesai", "note", "Nyatakan selesai"),
    "reassign": ("Alihkan tiket", "to", "Alihkan"),
    "close": ("Tutup tiket (bukan aduan)", "reason", "Tutup tiket"),
    "unlink": ("Lepaskan laporan ini dari insidennya (masalah lain)", None, "Lepaskan dari insiden"),
}


def public_status(ticket: Ticket, directory: Directory) -> dict:
    """No author, no complaint text and no task token: only what the citizen and the public may see; personal
    data in the agency's words is masked."""
    escalations = [{"level": e.level, "clock": e.clock, "at": format_wib(e.at)} for e in ticket.escalations]
    return {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status.value,
        "status_label": STATUS_LABELS[ticket.status],
        "agency": ticket.agency,
        "agency_name": directory[ticket.agency].name if ticket.agency else None,
        "received": format_wib(ticket.received_at),
        "response_due": format_wib(ticket.deadlines.response_due) if ticket.deadlines else None,
        "resolution_due": format_wib(ticket.deadlines.resolution_due) if ticket.deadlines else None,
        "acknowledged": format_wib(ticket.acknowledged_at) if ticket.acknowledged_at else None,
        "answered": format_wib(ticket.answered_at) if ticket.answered_at else None,
        "resolved": format_wib(ticket.resolved_at) if ticket.resolved_at else None,
        "answer": mask(ticket.latest_answer) if ticket.latest_answer else None,
        "resolution": mask(ticket.resolution_note) if ticket.resolution_note else None,
        "escalations": escalations,
    }


def action_form(link: SignedLink, sig: str, directory: Directory) -> str:
    """The page an e-mailed link opens: it only shows a form, so a link scanner cannot act."""
    title, field, button = ACTIONS[link.action]
    agency = link.agency
    t, a = escape(link.ticket_id), escape(agency)
    query = escape(urlencode({"agency": agency, "exp": link.expires, "sig": sig}))
    if field == "to":
        options = "".join(f'<option value="{escape(x.code)}">{escape(x.code)} - {escape(x.name)}</option>'
                          for x in directory if x.code != agency)
        inputs = (f'<label>Instansi tujuan <select name="to">{options}</select></label>'
                  f'<label>Alasan <input name="reason" maxlength="{FIELD_LIMITS["reason"]}"></label>')
    elif field:
        inputs = (f'<label>{escape(title)} <textarea name="{field}" rows="5" maxlength="{FIELD_LIMITS[field]}" required>'
                  '</textarea></label>')
    else:
        inputs = ""
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} {t}</title></head>
<body><h1>{escape(title)} {t}</h1>
<p>Instansi: {a}</p>
<form method="post" action="{escape(link.action)}?{query}">
{inputs}
<button type="submit">{escape(button)}</button></form></body></html>"""
