"""Complaints filed through the web form or an app: checked, their photo stored clean, then the same
intake (one ticket, one workflow) as a post on X.

Exactly once: the ticket id derives from an id the client sends with the complaint (the form's id,
rendered into the page; the app's own request id), so a form sent twice or a retried request finds
the ticket it already made.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain import privacy
from chalicelib.domain.places import regencies_with_kecamatan
from chalicelib.domain.tickets import Privacy, ticket_id_for
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.followups import FollowUps
from chalicelib.services.intake import BANNED, CREATED, HELD, Intake
from chalicelib.services.ports import IncomingMessage, PhotoRejectedError

MIN_TEXT, MAX_TEXT = 10, 4000
_SOURCE_ID = re.compile(r"^[A-Za-z0-9-]{8,40}$")
_REFUSED = {
    BANNED: "Aduan dari kontak ini tidak dapat diterima",
    HELD: "Terlalu banyak aduan dari kontak ini dalam satu jam: aduan ini dicatat untuk diperiksa petugas triase",
}


class ComplaintRejectedError(ValueError):
    """A complaint that cannot be filed as sent; `field` names the input, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Complaint:
    channel: str  # web | app
    source_id: str  # the client's id for this complaint
    text: str
    contact: str = ""  # e-mail address or phone number, optional
    privacy: str = Privacy.PUBLIC.value
    regency: str = ""
    kecamatan: str = ""
    photo: bytes | None = None


class Complaints:
    def __init__(self, c: Collaborators) -> None:
        self._c = c
        self._intake = Intake(c)

    def file(self, complaint: Complaint) -> tuple[str, bool]:
        """The complaint's ticket id, and whether this call created it."""
        if not _SOURCE_ID.match(complaint.source_id):
            raise ComplaintRejectedError("form_id", "Formulir tidak dikenal; muat ulang halaman lalu kirim lagi")
        text = complaint.text.strip()
        if not MIN_TEXT <= len(text) <= MAX_TEXT:
            raise ComplaintRejectedError("text", f"Isi aduan harus {MIN_TEXT}-{MAX_TEXT} karakter")
        try:
            contact = privacy.contact(complaint.contact)
        except privacy.InvalidContactError as error:
            raise ComplaintRejectedError("contact", str(error)) from None
        try:
            choice = Privacy(complaint.privacy or Privacy.PUBLIC.value)
        except ValueError:
            raise ComplaintRejectedError("privacy", "Pilihan kerahasiaan tidak dikenal") from None
        regency, kecamatan = self._place(complaint.regency, complaint.kecamatan)
        ticket_id = ticket_id_for(complaint.channel, complaint.source_id)
        photo = None
        if complaint.photo:
            try:
                photo = self._c.photos.put(f"{ticket_id}.jpg", complaint.photo)
            except PhotoRejectedError as error:
                raise ComplaintRejectedError("photo", str(error)) from None
        outcome = self._intake.take(IncomingMessage(
            complaint.channel, complaint.source_id, text, contact, self._c.clock(), privacy=choice,
            regency=regency, kecamatan=kecamatan, photo=photo))
        if outcome in _REFUSED:
            raise ComplaintRejectedError("contact", _REFUSED[outcome])
        return ticket_id, outcome == CREATED

    def comment(self, ticket_id: str, comment_id: str, text: str) -> str:
        """A comment on the ticket's status page, joined to it as a follow-up (the form's id makes a
        comment sent twice one); it may reopen the ticket unless the ticket came from X, whose ticket
        numbers are public (there only the reporter's reply in the thread reopens). Returns what
        `FollowUps.take` returned."""
        if not _SOURCE_ID.match(comment_id):
            raise ComplaintRejectedError("comment_id", "Formulir tidak dikenal; muat ulang halaman lalu kirim lagi")
        text = text.strip()
        if not MIN_TEXT <= len(text) <= MAX_TEXT:
            raise ComplaintRejectedError("text", f"Keterangan harus {MIN_TEXT}-{MAX_TEXT} karakter")
        ticket = self._c.tickets.get(ticket_id)
        message = IncomingMessage("web", f"comment-{comment_id}", text, None, self._c.clock())
        return FollowUps(self._c).take(ticket.ticket_id, message, may_reopen=ticket.channel != "x")

    @staticmethod
    def _place(regency: str, kecamatan: str) -> tuple[str | None, str | None]:
        places = regencies_with_kecamatan()
        if not regency:
            if kecamatan:
                raise ComplaintRejectedError("regency", "Pilih kabupaten/kota dulu, lalu kecamatannya")
            return None, None
        if regency not in places:
            raise ComplaintRejectedError("regency", "Kabupaten/kota tidak dikenal")
        if kecamatan and kecamatan not in places[regency][1]:
            raise ComplaintRejectedError("kecamatan", f"Kecamatan {kecamatan} tidak ada di {places[regency][0]}")
        return regency, kecamatan or None
