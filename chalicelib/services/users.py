"""Accounts: signing in, and the admin's management of who belongs to which group."""
from __future__ import annotations

from chalicelib.domain.access import User, require_admin
from chalicelib.services.ports import Identity


class UserAdmin:
    def __init__(self, identity: Identity) -> None:
        self._identity = identity

    def login(self, username: str, password: str) -> str:
        return self._identity.login(username.strip(), password)

    def who(self, token: str) -> User:
        return self._identity.verify(token)

    def usernames(self, user: User) -> list[str]:
        require_admin(user)
        return self._identity.usernames()

    def create(self, user: User, username: str, password: str, group: str) -> None:
        require_admin(user)
        self._identity.create_user(username.strip(), password, group)
