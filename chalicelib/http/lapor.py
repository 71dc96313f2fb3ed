"""The public web form (`/lapor`): file a complaint (text, optional photo, place pickers from the
gazetteer, optional contact, privacy choice), see its ticket number, check a ticket's status. Pages are
server-rendered Jinja2 (Indonesian, mobile-first, usable without JavaScript); the status page shows no
personal data (`views.public_status`)."""
from __future__ import annotations

import base64
import secrets
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, quote

from chalice import Blueprint, Response

from chalicelib.bootstrap import kemala
from chalicelib.domain.places import regencies_with_kecamatan
from chalicelib.http.inputs import TICKET_ID
from chalicelib.http.pages import html
from chalicelib.http.views import public_status
from chalicelib.services.complaints import Complaint, ComplaintRejectedError
from chalicelib.services.followups import ADDED, DUPLICATE, REOPENED
from chalicelib.services.ports import TicketNotFoundError

lapor = Blueprint(__name__)
FORM_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded"]
PRIVACY_CHOICES = [
    ("public", "Biasa", "isi aduan dapat ditampilkan ke publik tanpa data pribadi"),
    ("confidential", "Rahasia", "isi aduan tidak pernah ditampilkan ke publik"),
    ("anonymous", "Anonim", "instansi tidak melihat siapa pelapornya"),
]
_FIELDS = ("text", "contact", "privacy", "regency", "kecamatan")
COMMENT_NOTICES = {
    REOPENED: "Tiket dibuka kembali: instansi diberi tahu dan diberi batas waktu penyelesaian baru.",
    ADDED: "Keterangan Anda tercatat dan diteruskan ke instansi.",
    DUPLICATE: "Keterangan ini sudah tercatat.",
}
def new_form_id() -> str:
    """The id a form page carries (its ticket will be `WEB<id>`): 12 base32 characters (60 random bits),
    short enough to note down, and the same when the citizen sends the form twice."""
    return base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:12]


def _form_page(values: dict, error: str = "", field: str = "", status: int = 200) -> Response:
    return html("lapor/form.html", status, form_id=values.get("form_id") or new_form_id(), values=values,
                 error=error, field=field, places=regencies_with_kecamatan(), privacy_choices=PRIVACY_CHOICES)


def read_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Fields and files of a multipart or url-encoded form body."""
    if not content_type.lower().startswith("multipart/form-data"):
        fields = parse_qs(body.decode("utf-8", "replace"))
        return {name: values[0] for name, values in fields.items()}, {}
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
    fields, files = {}, {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = payload
        elif name:
            fields[name] = payload.decode("utf-8", "replace")
    return fields, files


@lapor.route("/lapor", methods=["GET"])
def form():
    return _form_page({})


@lapor.route("/lapor", methods=["POST"], content_types=FORM_TYPES)
def submit():
    request = lapor.current_request
    body = request.raw_body if isinstance(request.raw_body, bytes) else (request.raw_body or "").encode("utf-8")
    fields, files = read_form(request.headers.get("content-type", ""), body)
    values = {name: fields.get(name, "").strip() for name in (*_FIELDS, "form_id")}
    complaint = Complaint("web", values["form_id"], values["text"], values["contact"], values["privacy"],
                          values["regency"], values["kecamatan"], files.get("photo") or None)
    try:
        ticket_id, _ = kemala().complaints.file(complaint)
    except ComplaintRejectedError as error:
        return _form_page(values, str(error), error.field, status=400)
    kind = "email" if "@" in values["contact"] else "phone" if values["contact"] else None
    return html("lapor/received.html", 201, ticket_id=ticket_id, contact_kind=kind)


@lapor.route("/lapor/status", methods=["GET"])
def status_lookup():
    wanted = ((lapor.current_request.query_params or {}).get("tiket") or "").strip()
    if not wanted:
        return html("lapor/status.html")
    return Response("", status_code=303, headers={"Location": f"/lapor/status/{quote(wanted, safe='')}"})


def _ticket_as_typed(ticket_id: str):
    """The ticket, whether its number was typed in its own case or in capitals (`web...` for `WEB...`).
    A number that cannot be a ticket's is not found without a read (the table refuses over-long keys)."""
    if not TICKET_ID.fullmatch(ticket_id):
        raise TicketNotFoundError(ticket_id)
    try:
        return kemala().ticket(ticket_id)
    except TicketNotFoundError:
        if ticket_id.upper() == ticket_id:
            raise
        return kemala().ticket(ticket_id.upper())


@lapor.route("/lapor/status/{ticket_id}", methods=["GET"])
def status(ticket_id):
    return _status_page(ticket_id)


def _status_page(ticket_id: str, status: int = 200, **context) -> Response:
    try:
        view = public_status(_ticket_as_typed(ticket_id), kemala().directory)
    except TicketNotFoundError:
        return html("lapor/status.html", 404, ticket_id=ticket_id, error=f"Tiket {ticket_id} tidak ditemukan")
    return html("lapor/status.html", status, ticket_id=ticket_id, view=view, comment_id=new_form_id(), **context)


@lapor.route("/lapor/status/{ticket_id}", methods=["POST"], content_types=FORM_TYPES)
def comment(ticket_id):
    """A comment on the status page joins the ticket (services/followups.py); the page says what became of it."""
    request = lapor.current_request
    body = request.raw_body if isinstance(request.raw_body, bytes) else (request.raw_body or "").encode("utf-8")
    fields, _ = read_form(request.headers.get("content-type", ""), body)
    text = fields.get("text", "")
    try:
        ticket_id = _ticket_as_typed(ticket_id).ticket_id
        outcome = kemala().complaints.comment(ticket_id, fields.get("comment_id", ""), text)
    except TicketNotFoundError:
        return _status_page(ticket_id)
    except ComplaintRejectedError as error:
        return _status_page(ticket_id, 400, error=str(error), comment=text)
    return _status_page(ticket_id, 201, notice=COMMENT_NOTICES[outcome])
