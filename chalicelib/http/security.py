"""What every HTTP response carries and what no request may exceed, in one Chalice middleware.

Registered once in app.py: a body over `MAX_BODY_BYTES` gets 413 before any handler reads it, and
every response (pages, JSON, errors, Chalice's own 405/415) gets the security headers. The pages
load nothing from anywhere, so the policy allows nothing but posting their form to this API.
"""
from __future__ import annotations

from typing import Callable

from chalice.app import Request, Response

MAX_BODY_BYTES = 64 * 1024

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a page's address holds its link's signature
    "Strict-Transport-Security": "max-age=31536000",
    "Cache-Control": "no-store",
}


def _too_large(request: Request) -> bool:
    declared = (request.headers or {}).get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return True
    return len(request.raw_body or b"") > MAX_BODY_BYTES


def secure_responses(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """The body limit, then the handler, then the headers on whatever it answered."""
    if _too_large(request):
        response = Response({"Code": "PayloadTooLarge",
                             "Message": f"Isi permintaan melebihi batas {MAX_BODY_BYTES // 1024} KB"}, status_code=413)
    else:
        response = get_response(request)
    response.headers.update(SECURITY_HEADERS)
    return response
