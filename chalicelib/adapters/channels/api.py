"""The `api` channel: complaints filed through Open311 by other systems.

Those systems read the request's status and notes back from Open311, so a message to the citizen
is recorded as delivered and sent nowhere; nothing is received by polling.
"""
from __future__ import annotations

from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import Inbox
from chalicelib.settings import Settings


class ApiChannel:
    code = "api"
    pacing = (1000, 1)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ApiChannel":
        return cls()

    def receive(self, cursor: str | None) -> Inbox:
        return Inbox([], cursor, complete=True)

    def render(self, text: str) -> list[str]:
        return [text]

    def send(self, ticket: Ticket, part: str, after: str | None) -> str:
        return f"{ticket.ticket_id}:status"

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        return None
