"""What a request may carry, checked before any use case runs: anything else is a 4xx with a message.

Path parameters, the signed link's query (agency, expiry, signature), form bodies, and the form or
JSON fields of an action (the signed links, the workspace and the JSON API check them alike). Every check answers in Indonesian what is wrong, never a 500.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import parse_qs

from chalice import BadRequestError, ForbiddenError
from chalice.app import Request

from chalicelib.domain.links import ExpiredLinkError, InvalidLinkError, SignedLink
from chalicelib.http.errors import GoneError

TICKET_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
EXPIRY = re.compile(r"[0-9]{1,12}", re.ASCII)
FIELD_LIMITS = {"text": 2000, "note": 2000, "to": 32, "reason": 500}  # characters, as the forms' maxlength
REQUIRED = {"answer": ("text", "Jawaban"), "resolve": ("note", "Catatan penyelesaian"), "reassign": ("to", "Instansi tujuan")}


def ticket_id(value: str) -> str:
    if not TICKET_ID.fullmatch(value):
        raise BadRequestError("Nomor tiket tidak sah: hanya huruf, angka, '-' dan '_', paling panjang 64")
    return value


def signed_link(request: Request, link_ticket: str, action: str, secret: str, now: datetime) -> tuple[SignedLink, str]:
    """The link and its signature from the query, checked: 400 incomplete, 403 not genuine, 410 expired."""
    params = request.query_params or {}
    agency, expires, sig = params.get("agency"), params.get("exp"), params.get("sig")
    if not agency or not expires or not sig:
        raise BadRequestError("Tautan tidak lengkap: parameter 'agency', 'exp' dan 'sig' wajib ada")
    if not EXPIRY.fullmatch(expires):
        raise BadRequestError("Tautan tidak sah: 'exp' harus berupa angka")
    link = SignedLink(ticket_id(link_ticket), action, agency, int(expires))
    try:
        link.verify(secret, sig, now)
    except InvalidLinkError:
        raise ForbiddenError("Tautan tidak sah untuk tiket dan instansi ini")
    except ExpiredLinkError:
        raise GoneError("Tautan sudah kedaluwarsa: gunakan tautan dari e-mail terbaru atau hubungi meja triase Kemala")
    return link, sig


def form_text(request: Request) -> str:
    """The raw body as text; a body that is not UTF-8 is a 400."""
    try:
        return (request.raw_body or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("Isi formulir harus berupa teks UTF-8") from None


def body_fields(request: Request) -> dict:
    """The fields of a JSON object or form-encoded body (e-mail links post forms, scripts post JSON)."""
    if (request.headers or {}).get("content-type", "").lower().startswith("application/json"):
        try:
            body = json.loads(request.raw_body) if request.raw_body else {}
        except (ValueError, RecursionError):
            raise BadRequestError("Isi JSON tidak sah")
        if not isinstance(body, dict):
            raise BadRequestError("Isi JSON harus berupa objek, misalnya {\"text\": \"...\"}")
        return body
    return {name: values[0] for name, values in parse_qs(form_text(request)).items()}


def storable(text: str) -> bool:
    """Text that encodes as UTF-8 (a lone surrogate such as "\\ud800" cannot be stored)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_field(fields: dict, name: str) -> str:
    """A text field, stripped and within its limit; '' when absent."""
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequestError(f"Kolom '{name}' harus berupa teks")
    if not storable(value):
        raise BadRequestError(f"Kolom '{name}' berisi karakter yang tidak sah")
    value = value.strip()
    if len(value) > FIELD_LIMITS[name]:
        raise BadRequestError(f"Kolom '{name}' paling panjang {FIELD_LIMITS[name]} karakter")
    return value


def action_fields(action: str, fields: dict) -> dict[str, str]:
    """An action's fields (text, note, to, reason) checked, with the one the action needs present."""
    checked = {name: text_field(fields, name) for name in FIELD_LIMITS}
    if action in REQUIRED and not checked[REQUIRED[action][0]]:
        name, label = REQUIRED[action]
        raise BadRequestError(f"{label} ('{name}') wajib diisi")
    return checked
