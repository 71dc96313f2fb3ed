"""What agencies do with a ticket: acknowledge, answer, resolve, hand it on; and what the triage
desk does with what is not a complaint: close it.

Each action is checked by the ticket's transitions, recorded with who did it, and resumes the
waiting workflow with where the ticket now stands. A write that races another is retried once
on a fresh copy (the workflow writes the same ticket while it tells the citizen or parks a wait).
A ticket bouncing between agencies goes to the triage desk, and a routing correction is stored
once, when the agency that finally holds a handed-on ticket takes it up.
"""
from __future__ import annotations

from typing import Callable

from chalicelib.domain.directory import TRIAGE, UnknownAgencyError
from chalicelib.domain.tickets import InvalidTransitionError, Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.pipeline import copy_region, deadlines_for
from chalicelib.services.ports import ConcurrentUpdateError, WorkflowResumeError
from chalicelib.services.progress import progress


_ATTEMPTS = 5  # a write that keeps losing races is answered 409 (try again), never 500


class AgencyActions:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def _act(self, ticket_id: str, change: Callable[[Ticket], bool]) -> Ticket:
        """Apply `change` (False: nothing to do) to a fresh copy, save it, resume the waiting workflow."""
        c = self._c
        for attempt in range(_ATTEMPTS):
            ticket = c.tickets.get(ticket_id)
            token, responded = ticket.task_token, ticket.responded
            if not change(ticket):
                return ticket
            ticket.task_token = None
            try:
                c.tickets.save(ticket)
            except ConcurrentUpdateError:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            correction = ticket.routing_correction(c.clock()) if ticket.responded and not responded else None
            if correction:
                c.corrections.add(correction)
            if token:
                try:
                    c.workflow.resume(token, progress(ticket, c.clock()))
                except WorkflowResumeError:
                    pass  # no wait in progress: the next wait or escalation step sees the ticket as it is
            return ticket
        raise AssertionError("unreachable")

    def acknowledge(self, ticket_id: str, agency: str) -> Ticket:
        """The agency confirms it has the ticket (the response clock stops). Repeating it changes nothing."""
        def change(ticket: Ticket) -> bool:
            if ticket.responded and ticket.agency == agency:
                return False
            ticket.acknowledge(agency, self._c.clock())
            return True

        return self._act(ticket_id, change)

    def answer(self, ticket_id: str, agency: str, text: str, via_own_account: bool = False) -> Ticket:
        """The agency's public answer; Kemala forwards it to the citizen unless the agency gave it on
        the citizen's channel from its own account (the citizen already has it)."""
        def change(ticket: Ticket) -> bool:
            ticket.answer(agency, text, self._c.clock(), actor=f"{agency} (akun X)" if via_own_account else None,
                          forward=not via_own_account)
            return True

        return self._act(ticket_id, change)

    def resolve(self, ticket_id: str, agency: str, note: str) -> Ticket:
        def change(ticket: Ticket) -> bool:
            ticket.resolve(agency, note, self._c.clock())
            return True

        return self._act(ticket_id, change)

    def close(self, ticket_id: str, by: str, reason: str) -> Ticket:
        """The triage desk closes a ticket that is not a complaint (thanks, chatter, spam)."""
        if by != TRIAGE:
            raise InvalidTransitionError("only the triage desk closes tickets as not a complaint")

        def change(ticket: Ticket) -> bool:
            ticket.close(by, reason, self._c.clock())
            return True

        return self._act(ticket_id, change)

    def reassign(self, ticket_id: str, by: str, to: str, reason: str = "") -> Ticket:
        """The agency holding a ticket hands it to the right agency, which gets fresh deadlines. A
        ticket that would go back to an agency that had it, or be handed on a third time, goes to
        the triage desk instead, which decides where it belongs."""
        c = self._c
        if to not in c.directory:
            raise UnknownAgencyError(to)

        def change(ticket: Ticket) -> bool:
            if by != ticket.agency:
                raise InvalidTransitionError(f"ticket {ticket_id} is with {ticket.agency}; {by} cannot hand it on")
            target, note = to, reason
            if by != TRIAGE and ticket.would_bounce(to):
                target = TRIAGE
                note = f"pengalihan berulang ke {to}, diputuskan meja triase" + (f": {reason}" if reason else "")
            agency = c.directory[target]
            region = ticket.classification.region if ticket.classification else None
            ticket.reassign(target, deadlines_for(c, ticket, agency), c.clock(), by, note,
                            copy_region=copy_region(agency, region, c.directory))
            return True

        return self._act(ticket_id, change)
