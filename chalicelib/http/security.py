"""What every HTTP response carries and what no request may exceed, in one Chalice middleware.

Registered once in app.py: a body over its route's limit gets 413 before any handler reads it, and
every response (pages, JSON, errors, Chalice's own 405/415) gets the security headers. The limit is
`MAX_BODY_BYTES` everywhere except the two routes that take a citizen's photo (`UPLOAD_LIMITS`), where
it is the largest photo Kemala takes (`PHOTO_MAX_BYTES`, as sent: raw in a multipart form, base64 in
JSON) plus the form's other fields; the photo's own size is then checked where it is stored. The pages
load nothing from anywhere, so the policy allows nothing but posting their form to this API.
"""
from __future__ import annotations

from typing import Callable

from chalice.app import Request, Response

from chalicelib.settings import PHOTO_MAX_BYTES

MAX_BODY_BYTES = 64 * 1024
UPLOAD_LIMITS = {  # (method, route) -> the body limit of a route that takes a photo
    ("POST", "/lapor"): PHOTO_MAX_BYTES + MAX_BODY_BYTES,  # multipart: the photo's bytes as they are
    ("POST", "/app/v1/complaints"): (PHOTO_MAX_BYTES + 2) // 3 * 4 + MAX_BODY_BYTES,  # JSON: the photo in base64
}

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a page's address holds its link's signature
    "Strict-Transport-Security": "max-age=31536000",
    "Cache-Control": "no-store",
}


def body_limit(request: Request) -> int:
    route = (request.context or {}).get("resourcePath", "")
    return UPLOAD_LIMITS.get((request.method, route), MAX_BODY_BYTES)


def _too_large(request: Request, limit: int) -> bool:
    declared = (request.headers or {}).get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return True
    return len(request.raw_body or b"") > limit


def _refusal(limit: int) -> str:
    if limit == MAX_BODY_BYTES:
        return f"Isi permintaan melebihi batas {MAX_BODY_BYTES // 1024} KB"
    return f"Isi permintaan terlalu besar: foto maksimal {PHOTO_MAX_BYTES // (1024 * 1024)} MB"


def secure_responses(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """The body limit, then the handler, then the headers on whatever it answered."""
    limit = body_limit(request)
    if _too_large(request, limit):
        response = Response({"Code": "PayloadTooLarge", "Message": _refusal(limit)}, status_code=413)
    else:
        response = get_response(request)
    response.headers.update(SECURITY_HEADERS)
    return response
