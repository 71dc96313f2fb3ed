"""The agency workspace: the queue, a ticket's page and the lifecycle's actions, for a signed-in user.

Every use case checks what the user may see or do (`domain/access.py`) before it answers or acts;
the queue is one index query per agency, filtered and searched in memory (an agency's open
queue is hundreds of tickets, not millions).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.domain.access import AccessDeniedError, User, require_act, require_read
from chalicelib.domain.messages import WIB
from chalicelib.domain.tickets import InvalidTransitionError, Ticket
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import ConcurrentUpdateError, QueueItem, TicketQueries

ACTIONS = ("acknowledge", "answer", "resolve", "reassign", "close")


@dataclass(frozen=True)
class QueueFilter:
    agency: str | None = None  # whose queue (the governor's office chooses; an agency sees its own)
    status: str = ""
    urgency: str = ""
    region: str = ""
    channel: str = ""
    since: date | None = None  # received on or after (WIB)
    until: date | None = None  # received on or before (WIB)
    search: str = ""

    def keeps(self, item: QueueItem) -> bool:
        received = item.received_at.astimezone(WIB).date()
        words = self.search.lower().split()
        return (self.status in ("", item.status) and self.urgency in ("", item.urgency)
                and self.region in ("", item.region) and self.channel in ("", item.channel)
                and (self.since is None or received >= self.since) and (self.until is None or received <= self.until)
                and all(w in f"{item.ticket_id} {item.text}".lower() for w in words))


class Workspace:
    def __init__(self, c: Collaborators, queries: TicketQueries) -> None:
        self._c = c
        self._queries = queries
        self._actions = AgencyActions(c)

    def queue_owner(self, user: User, wanted: str | None) -> str:
        """Whose queue this user opens: an agency its own; the governor's office any it names."""
        if user.reads_everything:
            return wanted or (user.agency or "TRIAGE")
        if user.agency is None or (wanted and wanted != user.agency):
            raise AccessDeniedError("Antrean ini bukan milik instansi Anda")
        return user.agency

    def queue(self, user: User, wanted: QueueFilter) -> list[QueueItem]:
        agency = self.queue_owner(user, wanted.agency)
        return [item for item in self._queries.open_for(agency) if wanted.keeps(item)]

    def ticket(self, user: User, ticket_id: str) -> Ticket:
        ticket = self._c.tickets.get(ticket_id)
        require_read(user, ticket)
        return ticket

    def close_many(self, user: User, ticket_ids: list[str], reason: str) -> list[str]:
        """The triage desk closes what it picked from its queue in one action (spam, a sender's flood):
        the tickets closed; one that moved on meanwhile (handed on, closed already) is left as it is."""
        closed = []
        for ticket_id in dict.fromkeys(ticket_ids):
            try:
                self.act(user, ticket_id, "close", {"reason": reason})
            except (InvalidTransitionError, ConcurrentUpdateError):
                continue
            closed.append(ticket_id)
        return closed

    def act(self, user: User, ticket_id: str, action: str, fields: dict[str, str]) -> Ticket:
        """One lifecycle action by the user's agency on a ticket it holds; `fields`: text, note, to, reason."""
        require_act(user, self._c.tickets.get(ticket_id))
        agency, actions = user.agency or "", self._actions
        if action == "acknowledge":
            return actions.acknowledge(ticket_id, agency)
        if action == "answer":
            return actions.answer(ticket_id, agency, fields.get("text", ""))
        if action == "resolve":
            return actions.resolve(ticket_id, agency, fields.get("note", ""))
        if action == "reassign":
            return actions.reassign(ticket_id, agency, fields.get("to", ""), fields.get("reason", ""))
        return actions.close(ticket_id, agency, fields.get("reason", ""))
