"""What the API shows people: a ticket's public status and the acknowledgement page (Indonesian, WIB)."""
from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from chalicelib.domain.directory import Directory
from chalicelib.domain.messages import format_wib
from chalicelib.domain.tickets import Status, Ticket

STATUS_LABELS = {
    Status.RECEIVED: "Diterima",
    Status.CLASSIFIED: "Sedang diteruskan",
    Status.ASSIGNED: "Sedang diteruskan",
    Status.NOTIFIED: "Diteruskan ke instansi",
    Status.AWAITING_ACK: "Menunggu tanggapan instansi",
    Status.ACKNOWLEDGED: "Ditanggapi instansi",
    Status.ESCALATED: "Dieskalasi ke Kantor Gubernur",
}


def public_status(ticket: Ticket, directory: Directory) -> dict:
    """No author and no task token: only what the citizen and the public may see."""
    def wib(moment):
        return format_wib(moment) if moment else None

    return {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status.value,
        "status_label": STATUS_LABELS[ticket.status],
        "agency": ticket.agency,
        "agency_name": directory[ticket.agency].name if ticket.agency else None,
        "received": wib(ticket.received_at),
        "due": wib(ticket.due_at),
        "acknowledged": wib(ticket.acknowledged_at),
        "escalated": wib(ticket.escalated_at),
    }


def form_field(request, name: str) -> str | None:
    """A field of a JSON or form-encoded request body (e-mail links post forms, scripts post JSON)."""
    if (request.headers or {}).get("content-type", "").startswith("application/json"):
        body = request.json_body or {}
        return body.get(name) if isinstance(body, dict) else None
    values = parse_qs((request.raw_body or b"").decode("utf-8")).get(name)
    return values[0] if values else None


def reassign_form(ticket_id: str, agency: str, sig: str, directory: Directory) -> str:
    t, a, s = escape(ticket_id), escape(agency), escape(sig)
    options = "".join(f'<option value="{escape(x.code)}">{escape(x.code)} - {escape(x.name)}</option>'
                      for x in directory if x.code != agency)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Alihkan tiket {t}</title></head>
<body><h1>Alihkan tiket {t}</h1>
<p>Dari: {a}. Pilih instansi yang berwenang menangani aduan ini.</p>
<form method="post" action="reassign?agency={a}&amp;sig={s}">
<select name="to">{options}</select>
<button type="submit">Alihkan</button></form></body></html>"""


def acknowledge_form(ticket_id: str, agency: str, sig: str) -> str:
    """A confirmation page: the e-mailed link only shows it, so a link scanner cannot acknowledge."""
    t, a, s = escape(ticket_id), escape(agency), escape(sig)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Konfirmasi tiket {t}</title></head>
<body><h1>Konfirmasi penerimaan tiket {t}</h1>
<p>Instansi: {a}</p>
<form method="post" action="acknowledge?agency={a}&amp;sig={s}">
<button type="submit">Kami terima dan tindak lanjuti</button></form></body></html>"""
