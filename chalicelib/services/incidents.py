"""Linking reports into incidents (the rules are in domain/incidents.py) and finding an incident's other
reports, so that what an agency does on one report is done on all of them.

Concurrent reports of one flood race to open the place's incident: the place's list of open incidents
is written with optimistic locking, and a writer that lost reads it again (and then usually finds the
incident the winner opened). A report that keeps losing stays on its own: never lost, only not linked.
"""
from __future__ import annotations

from chalicelib.domain import incidents
from chalicelib.domain.incidents import OpenIncident
from chalicelib.domain.tickets import Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import ConcurrentUpdateError

_ATTEMPTS = 8


class Incidents:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def link(self, ticket: Ticket) -> str | None:
        """The incident this report belongs to (opened for it when none fits), recorded on the ticket."""
        store = self._c.incidents
        region = ticket.classification.region if ticket.classification else None
        place = incidents.place_of(ticket.agency, ticket.regency or region)
        if store is None or place is None or ticket.incident:
            return ticket.incident
        words = incidents.content_words(ticket.text)
        for _ in range(_ATTEMPTS):
            open_now, version = store.open_incidents(place)
            window = self._c.incident_window
            match = incidents.best_match(open_now, ticket.kecamatan, words, ticket.received_at, window)
            if match is None:
                match = OpenIncident(f"{incidents.PREFIX}{ticket.ticket_id}", ticket.received_at, ticket.kecamatan, words)
                try:
                    store.save_open(place, incidents.still_open(open_now, self._c.clock(), window) + [match], version)
                except ConcurrentUpdateError:
                    continue
            store.add_report(match.incident_id, ticket.ticket_id)
            ticket.link_incident(match.incident_id, self._c.clock())
            return match.incident_id
        return None

    def others(self, ticket: Ticket) -> list[str]:
        """The incident's other reports, in a stable order."""
        if self._c.incidents is None or ticket.incident is None:
            return []
        return sorted(self._c.incidents.reports(ticket.incident) - {ticket.ticket_id})
