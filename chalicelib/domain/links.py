"""Signed action links: an agency acts on a ticket from its e-mail without logging in.

A link carries the ticket id, the action, the agency and an expiry time, signed with HMAC-SHA256
under the stage's link secret, so it cannot be forged, moved to another ticket or agency, or used
after it expires. It acts only while its agency holds the ticket: the action checks the holder.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode


class InvalidLinkError(Exception):
    """The link's signature does not match: forged, altered, or signed for something else."""


class ExpiredLinkError(Exception):
    """The link was genuine but its lifetime is over."""


@dataclass(frozen=True)
class SignedLink:
    ticket_id: str
    action: str
    agency: str
    expires: int  # Unix seconds

    @classmethod
    def issue(cls, ticket_id: str, action: str, agency: str, now: datetime, lifetime: timedelta) -> "SignedLink":
        return cls(ticket_id, action, agency, int((now + lifetime).timestamp()))

    def signature(self, secret: str) -> str:
        message = f"{self.ticket_id}|{self.action}|{self.agency}|{self.expires}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    def url(self, base_url: str, secret: str) -> str:
        query = urlencode({"agency": self.agency, "exp": self.expires, "sig": self.signature(secret)})
        return f"{base_url}/tickets/{self.ticket_id}/{self.action}?{query}"

    def verify(self, secret: str, sig: str, now: datetime) -> None:
        """Raises InvalidLinkError or ExpiredLinkError; compares bytes, so any text is a wrong signature."""
        if not hmac.compare_digest(self.signature(secret).encode(), sig.encode("utf-8", "surrogatepass")):
            raise InvalidLinkError(self.ticket_id)
        if now.timestamp() >= self.expires:
            raise ExpiredLinkError(self.ticket_id)
