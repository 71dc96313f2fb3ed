"""Who sent a message, as the ban list and the rate limit know them: an X account, a phone number or an
e-mail address. A phone number or an e-mail address is the same sender on SMS, the web form and the app."""
from __future__ import annotations

import re

from chalicelib.domain import privacy

KINDS = ("x", "phone", "email")
_HANDLE = re.compile(r"^@?(\w{1,15})$")


class InvalidSenderError(ValueError):
    """An address that is not of its kind; the message says why, in Indonesian."""


def sender_of(channel: str, author: str | None) -> tuple[str, str] | None:
    """(kind, address) of a message's author, or None when it came without one (a form with no contact)."""
    if not author:
        return None
    if channel == "x":
        return "x", author.lstrip("@").lower()
    return ("email", author.lower()) if "@" in author else ("phone", author)


def parse(kind: str, address: str) -> tuple[str, str]:
    """What an administrator typed, as a sender: `@handle`, `0812...`/`+62812...`, `nama@contoh.id`."""
    if kind == "x":
        handle = _HANDLE.match(address.strip())
        if handle is None:
            raise InvalidSenderError("Akun X tidak valid (contoh: @akun_warga)")
        return kind, handle.group(1).lower()
    if kind not in KINDS:
        raise InvalidSenderError(f"Jenis pengirim tidak dikenal: {kind}")
    try:
        contact = privacy.contact(address)
    except privacy.InvalidContactError as error:
        raise InvalidSenderError(str(error)) from None
    if contact is None or ("@" in contact) != (kind == "email"):
        raise InvalidSenderError("Alamat tidak sesuai jenisnya" if contact else "Alamat wajib diisi")
    return kind, contact
