"""What agencies do with a ticket: acknowledge it, or hand it to the right agency.

Each action is checked by the ticket's transitions, recorded, and resumes the waiting workflow.
"""
from __future__ import annotations

from chalicelib.domain import sla
from chalicelib.domain.directory import TRIAGE, UnknownAgencyError
from chalicelib.domain.tickets import Correction, InvalidTransitionError, Status, Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.pipeline import copy_region, reassigned
from chalicelib.services.ports import ConcurrentUpdateError, WorkflowResumeError

_REACHED_AGENCY = {Status.NOTIFIED, Status.AWAITING_ACK, Status.ACKNOWLEDGED, Status.ESCALATED}


class AgencyActions:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def _resume(self, token: str | None, output: dict) -> None:
        if not token:
            return
        try:
            self._c.workflow.resume(token, output)
        except WorkflowResumeError:
            pass  # no wait in progress: the next wait sees the ticket as it is now

    def acknowledge(self, ticket_id: str, agency: str) -> Ticket:
        """The agency confirms it has the ticket; a waiting workflow resumes. Retries a racing write once."""
        c = self._c
        for attempt in range(2):
            ticket = c.tickets.get(ticket_id)
            if ticket.is_acknowledged:
                return ticket
            if ticket.status not in _REACHED_AGENCY:
                raise InvalidTransitionError(f"ticket {ticket_id} has not reached its agency yet")
            token = ticket.task_token
            ticket.acknowledge(agency, c.clock())
            try:
                c.tickets.save(ticket)
            except ConcurrentUpdateError:
                if attempt:
                    raise
                continue
            self._resume(token, {"outcome": "ACKNOWLEDGED", "agency": agency})
            return ticket
        raise AssertionError("unreachable")

    def reassign(self, ticket_id: str, by: str, to: str) -> Ticket:
        """The agency holding a ticket (or the triage desk) hands it to the right agency.

        The correction is stored as a labelled example for the next model rebuild, and the waiting
        workflow goes back to NotifyAgency for the new agency.
        """
        c = self._c
        if to not in c.directory:
            raise UnknownAgencyError(to)
        ticket = c.tickets.get(ticket_id)
        if by not in (ticket.agency, TRIAGE):
            raise InvalidTransitionError(f"ticket {ticket_id} is with {ticket.agency}; {by} cannot hand it on")
        previous, token, now = ticket.agency, ticket.task_token, c.clock()
        agency = c.directory[to]
        region = ticket.classification.region if ticket.classification else None
        ticket.reassign(to, sla.due_at(now, sla.response_window(agency, c.sla_override_seconds)), now, by,
                        copy_region=copy_region(agency, region, c.directory))
        c.tickets.save(ticket)
        c.corrections.add(Correction(ticket_id=ticket.ticket_id, text=ticket.text, predicted=ticket.classification.agency
                                     if ticket.classification else previous, agency=to, by=by, at=now))
        self._resume(token, reassigned(agency, c.sla_override_seconds))
        return ticket
