"""Personal data in citizens' words: phone numbers, NIK (the 16-digit national id number) and e-mail
addresses are masked wherever text is shown to anyone but the handling agency, and in every log line.
Also how a contact a citizen types is read (an e-mail address, or a phone number made E.164)."""
from __future__ import annotations

import re

_NIK = re.compile(r"(?<![\w])(?:\d[ .-]?){15}\d(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MASKS = ((_EMAIL, "[email]"), (_NIK, "[NIK]"), (_PHONE, "[nomor telepon]"))
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class InvalidContactError(ValueError):
    """A contact that is neither an e-mail address nor a phone number."""


def mask(text: str) -> str:
    """The text with every phone number, NIK and e-mail address replaced by a label."""
    for pattern, label in _MASKS:
        text = pattern.sub(label, text)
    return text


def contact(value: str) -> str | None:
    """An e-mail address (lower case) or a phone number in E.164 (`0812...` -> `+62812...`); None if empty."""
    value = value.strip()
    if not value:
        return None
    if "@" in value:
        if _EMAIL.fullmatch(value) is None:
            raise InvalidContactError("Alamat e-mail tidak valid")
        return value.lower()
    digits = re.sub(r"[ .()-]", "", value)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    if _E164.match(digits) is None:
        raise InvalidContactError("Nomor telepon tidak valid (contoh: 0812 3456 7890)")
    return digits
