"""The JSON API for the LaporGub! app and partner apps (channel `app`): `POST /app/v1/complaints` files
a complaint (same checks and workflow as the web form; `request_id` makes a retried request find the
ticket it already made), `GET /app/v1/complaints/{ticket_id}` reads its public status. Every call
carries the app's key in `X-Api-Key` (kept in Secrets Manager); answers are JSON, errors
`{"error", "field"}` with a 4xx (a body that is not a JSON object or a ticket number that cannot be one
too, in this format and in Indonesian)."""
from __future__ import annotations

import base64
import binascii
import hmac

from chalice import BadRequestError, Blueprint, Response

from chalicelib import bootstrap
from chalicelib.bootstrap import kemala
from chalicelib.http import inputs
from chalicelib.http.views import public_status
from chalicelib.services.complaints import Complaint, ComplaintRejectedError
from chalicelib.services.ports import TicketNotFoundError
from chalicelib.settings import get_settings

app_api = Blueprint(__name__)
_TEXT_FIELDS = ("request_id", "text", "contact", "privacy", "regency", "kecamatan", "photo_base64")


def _json(body: dict, status: int) -> Response:
    return Response(body, status_code=status, headers={"Content-Type": "application/json; charset=utf-8"})


def _refused(status: int, message: str, field: str | None = None) -> Response:
    return _json({"error": message, "field": field}, status)


def _calling_app() -> str | None:
    """The name of the app whose key the request carries, or None."""
    key = (app_api.current_request.headers or {}).get("x-api-key", "")
    return next((name for name, known in bootstrap.app_keys().items()
                 if key and hmac.compare_digest(key.encode(), str(known).encode())), None)


@app_api.route("/app/v1/complaints", methods=["POST"], content_types=["application/json"])
def file_complaint():
    if _calling_app() is None:
        return _refused(401, "Kunci API (X-Api-Key) tidak ada atau tidak sah")
    try:
        body = inputs.body_fields(app_api.current_request)
    except BadRequestError as error:  # not JSON, nested too deep, not an object
        return _refused(400, error.args[0])
    wrong = next((name for name in _TEXT_FIELDS if not isinstance(body.get(name, ""), str)), None)
    if wrong:
        return _refused(400, f"'{wrong}' harus berupa teks", wrong)
    unreadable = next((name for name in _TEXT_FIELDS if not inputs.storable(body.get(name, ""))), None)
    if unreadable:  # a lone surrogate ("\ud800") cannot be stored
        return _refused(400, f"'{unreadable}' berisi karakter yang tidak sah", unreadable)
    try:
        photo = base64.b64decode(body["photo_base64"], validate=True) if body.get("photo_base64") else None
    except (binascii.Error, ValueError):
        return _refused(400, "photo_base64 bukan base64 yang sah", "photo_base64")
    complaint = Complaint("app", body.get("request_id", ""), body.get("text", ""), body.get("contact", ""),
                          body.get("privacy", ""), body.get("regency", ""), body.get("kecamatan", ""), photo)
    try:
        ticket_id, created = kemala().complaints.file(complaint)
    except ComplaintRejectedError as error:
        field = "request_id" if error.field == "form_id" else error.field
        return _refused(400, str(error), field)
    return _json({"ticket_id": ticket_id, "created": created,
                  "status_url": f"{get_settings().public_base_url}/lapor/status/{ticket_id}"}, 201 if created else 200)


@app_api.route("/app/v1/complaints/{ticket_id}", methods=["GET"])
def complaint_status(ticket_id):
    if _calling_app() is None:
        return _refused(401, "Kunci API (X-Api-Key) tidak ada atau tidak sah")
    try:
        ticket_id = inputs.ticket_id(ticket_id)
    except BadRequestError as error:
        return _refused(400, error.args[0])
    try:
        return _json(public_status(kemala().ticket(ticket_id), kemala().directory), 200)
    except TicketNotFoundError:
        return _refused(404, f"Tiket {ticket_id} tidak ditemukan")
