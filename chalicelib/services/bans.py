"""The ban list administrators manage (the workspace's admin group): senders whose messages Kemala no
longer takes (intake drops them) and to whom it never replies (a message to them is withheld)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from chalicelib.domain.access import User, require_admin
from chalicelib.domain.senders import KINDS, parse
from chalicelib.services.ports import Ban, BanList


class BanAdmin:
    def __init__(self, bans: BanList, clock: Callable[[], datetime]) -> None:
        self._bans = bans
        self._clock = clock

    def listed(self, user: User) -> list[Ban]:
        require_admin(user)
        return sorted(self._bans.bans(KINDS), key=lambda b: b.at, reverse=True)

    def ban(self, user: User, kind: str, address: str, reason: str) -> Ban:
        """Raises InvalidSenderError for an address that is not of its kind."""
        require_admin(user)
        kind, address = parse(kind, address)
        ban = Ban(kind, address, reason.strip() or "spam", user.username, self._clock())
        self._bans.ban(ban)
        return ban

    def unban(self, user: User, kind: str, address: str) -> None:
        require_admin(user)
        self._bans.unban(*parse(kind, address))
