"""Posts their authors deleted: X's developer terms require their text and author to leave Kemala within
a day, and X API v2 has no deletion webhook on pay-per-use, so a daily scheduled check looks the source
posts of recent tickets up (100 ids per request) and redacts the tickets whose post is gone. The
ticket's numbers stay (agency, region, urgency, times, history) for the record.

Recent: received in this WIB month or the one before (the month index: one query each, no scan); every
open ticket is younger than that in practice (deadlines are days, the last rung of the ladder a month).
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.messages import WIB
from chalicelib.domain.tickets import Ticket, ticket_id_for
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import PostLookup, TicketQueries

LOOKUP_BATCH = 100  # X: GET /2/tweets?ids= takes up to 100 ids


class Deletions:
    def __init__(self, c: Collaborators, queries: TicketQueries) -> None:
        self._c = c
        self._queries = queries

    def sweep(self, channel_code: str) -> list[str]:
        """Redact the recent tickets of the channel whose source post no longer exists; their ids."""
        lookup: PostLookup = self._c.channels[channel_code]
        now = self._c.clock().astimezone(WIB)
        months = {f"{now:%Y-%m}", f"{now.replace(day=1) - timedelta(days=1):%Y-%m}"}
        sources = sorted({t.ticket_id[len(channel_code):] for month in months for t in self._queries.received_in(month)
                          if t.channel == channel_code and not t.redacted and t.hold is None})
        redacted = []
        for start in range(0, len(sources), LOOKUP_BATCH):
            for source in sorted(lookup.missing(sources[start:start + LOOKUP_BATCH])):
                ticket_id = ticket_id_for(channel_code, source)
                AgencyActions(self._c).apply(ticket_id, self._redacting, resume=False)
                redacted.append(ticket_id)
        return redacted

    def _redacting(self, ticket: Ticket) -> bool:
        if ticket.redacted:
            return False
        ticket.redact(self._c.clock())
        return True
