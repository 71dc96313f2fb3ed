"""Signed action links: an agency acts on a ticket from its e-mail without logging in.

A link carries the ticket id, the action and the agency, signed with HMAC-SHA256 under the
stage's link secret, so it cannot be forged or moved to another ticket or agency.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode


def signature(secret: str, ticket_id: str, action: str, agency: str) -> str:
    message = f"{ticket_id}|{action}|{agency}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def is_valid(secret: str, ticket_id: str, action: str, agency: str, sig: str) -> bool:
    return hmac.compare_digest(signature(secret, ticket_id, action, agency), sig or "")


def action_url(base_url: str, secret: str, ticket_id: str, action: str, agency: str) -> str:
    query = urlencode({"agency": agency, "sig": signature(secret, ticket_id, action, agency)})
    return f"{base_url}/tickets/{ticket_id}/{action}?{query}"
