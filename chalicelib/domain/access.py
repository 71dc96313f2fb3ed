"""Who may see and do what in the workspace, decided from the user's Cognito groups.

One group per agency code (the agency's staff), `TRIAGE` (the triage desk, itself an agency of the
directory), `GOVERNOR_OFFICE` (reads everything, acts on nothing) and `ADMIN` (manages users).
An agency acts only on the tickets it holds, and reads those plus the ones it handed on.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.directory import TRIAGE
from chalicelib.domain.tickets import Ticket

GOVERNOR_OFFICE = "GOVERNOR_OFFICE"
ADMIN = "ADMIN"
STAFF_GROUPS = (TRIAGE, GOVERNOR_OFFICE, ADMIN)


class AccessDeniedError(Exception):
    """The user may not see or do this; the message says why, in Indonesian."""


@dataclass(frozen=True)
class User:
    username: str
    groups: frozenset[str]

    @property
    def agency(self) -> str | None:
        """The agency this user works for (the triage desk counts as one), if any."""
        return next((g for g in sorted(self.groups) if g not in (GOVERNOR_OFFICE, ADMIN)), None)

    @property
    def reads_everything(self) -> bool:
        return bool(self.groups & {GOVERNOR_OFFICE, ADMIN})

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.groups


def agencies_of(ticket: Ticket) -> set[str]:
    """Every agency that has held the ticket, from its history."""
    return {h.agency for h in ticket.history if h.agency} | ({ticket.agency} if ticket.agency else set())


def can_read(user: User, ticket: Ticket) -> bool:
    return user.reads_everything or (user.agency is not None and user.agency in agencies_of(ticket))


def can_act(user: User, ticket: Ticket) -> bool:
    return user.agency is not None and user.agency == ticket.agency


def require_read(user: User, ticket: Ticket) -> None:
    if not can_read(user, ticket):
        raise AccessDeniedError(f"Tiket {ticket.ticket_id} bukan tiket instansi Anda")


def require_act(user: User, ticket: Ticket) -> None:
    require_read(user, ticket)
    if not can_act(user, ticket):
        raise AccessDeniedError(f"Tiket {ticket.ticket_id} tidak sedang ditangani instansi Anda: hanya dapat dibaca")


def require_overview(user: User) -> None:
    if not user.reads_everything:
        raise AccessDeniedError("Ringkasan dan laporan hanya untuk Biro Gubernur dan admin")


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise AccessDeniedError("Pengelolaan pengguna hanya untuk admin")
