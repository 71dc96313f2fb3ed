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

from chalicelib.domain import messages
from chalicelib.domain.directory import TRIAGE, UnknownAgencyError
from chalicelib.domain.tickets import InvalidTransitionError, Ticket
from chalicelib.services.alerting import Alert, send_once
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.incidents import Incidents
from chalicelib.services.pipeline import agency_topic, copy_region, deadlines_for
from chalicelib.services.ports import ConcurrentUpdateError, WorkflowResumeError
from chalicelib.services.progress import progress


_ATTEMPTS = 5  # a write that keeps losing races is answered 409 (try again), never 500


class AgencyActions:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def apply(self, ticket_id: str, change: Callable[[Ticket], bool], resume: bool = True) -> Ticket:
        """Apply `change` (False: nothing to do) to a fresh copy, save it, resume the waiting workflow
        (unless `resume` is False: a change the workflow need not act on leaves its wait as it is)."""
        c = self._c
        for attempt in range(_ATTEMPTS):
            ticket = c.tickets.get(ticket_id)
            token, responded = ticket.task_token if resume else None, ticket.responded
            if not change(ticket):
                return ticket
            if resume:
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

    def _on_incident(self, ticket_id: str, change: Callable[[Ticket], bool], task: dict[str, str]) -> Ticket:
        """Act on the ticket; then, for an incident's report, have the same action spread over its other
        reports asynchronously (`spread_over_incident`): the agency answers once and every reporter hears it."""
        ticket = self.apply(ticket_id, change)
        if self._c.tasks and Incidents(self._c).others(ticket):
            self._c.tasks.run_later("act_on_incident", {"ticket_id": ticket_id, **task})
        return ticket

    def spread_over_incident(self, ticket_id: str, action: str, agency: str, text: str = "") -> list[str]:
        """The action done on one report, done on the incident's other reports (an asynchronous task; a
        repeat finds the work done). A report another agency holds, or that moved on, is left as it is.
        Their answers are forwarded even when the agency answered in the first report's X thread."""
        change = {"acknowledge": self._acknowledging(agency), "answer": self._answering(agency, text, True),
                  "resolve": self._resolving(agency, text)}[action]
        done = []
        for other in Incidents(self._c).others(self._c.tickets.get(ticket_id)):
            try:
                self.apply(other, change)
            except (InvalidTransitionError, ConcurrentUpdateError):
                continue
            done.append(other)
        return done

    def _acknowledging(self, agency: str) -> Callable[[Ticket], bool]:
        def change(ticket: Ticket) -> bool:
            if ticket.responded and ticket.agency == agency:
                return False
            ticket.acknowledge(agency, self._c.clock())
            return True
        return change

    def _answering(self, agency: str, text: str, forward: bool) -> Callable[[Ticket], bool]:
        def change(ticket: Ticket) -> bool:
            if ticket.agency == agency and ticket.latest_answer == text.strip():
                return False  # the same answer again (a repeated task, a second report of the incident)
            ticket.answer(agency, text, self._c.clock(), actor=None if forward else f"{agency} (akun X)",
                          forward=forward)
            return True
        return change

    def _resolving(self, agency: str, note: str) -> Callable[[Ticket], bool]:
        def change(ticket: Ticket) -> bool:
            ticket.resolve(agency, note, self._c.clock())
            return True
        return change

    def unlink(self, ticket_id: str, agency: str) -> Ticket:
        """The handling agency takes a report out of its incident; it stands alone and is alerted on its own."""
        c = self._c
        left: list[str] = []

        def change(ticket: Ticket) -> bool:
            left[:] = [ticket.unlink_incident(agency, c.clock())]
            return True

        ticket = self.apply(ticket_id, change)
        for incident in left:
            c.incidents.remove_report(incident, ticket_id)
        holder = c.directory[agency]
        links = {action: c.links(ticket, action) for action in ("acknowledge", "answer", "resolve", "reassign")}
        send_once(c, ticket, [Alert(agency_topic(holder), "new_ticket", messages.agency_notification(ticket, holder, links),
                                  occasion="unlinked")])
        return ticket

    def acknowledge(self, ticket_id: str, agency: str) -> Ticket:
        """The agency confirms it has the ticket (the response clock stops). Repeating it changes nothing."""
        return self._on_incident(ticket_id, self._acknowledging(agency), {"action": "acknowledge", "agency": agency})

    def answer(self, ticket_id: str, agency: str, text: str, via_own_account: bool = False) -> Ticket:
        """The agency's public answer; Kemala forwards it to the citizen unless the agency gave it on
        the citizen's channel from its own account (the citizen already has it)."""
        return self._on_incident(ticket_id, self._answering(agency, text, forward=not via_own_account),
                                 {"action": "answer", "agency": agency, "text": text})

    def resolve(self, ticket_id: str, agency: str, note: str) -> Ticket:
        return self._on_incident(ticket_id, self._resolving(agency, note),
                                 {"action": "resolve", "agency": agency, "text": note})

    def close(self, ticket_id: str, by: str, reason: str) -> Ticket:
        """The triage desk closes a ticket that is not a complaint (thanks, chatter, spam)."""
        if by != TRIAGE:
            raise InvalidTransitionError("only the triage desk closes tickets as not a complaint")

        def change(ticket: Ticket) -> bool:
            ticket.close(by, reason, self._c.clock())
            return True

        return self.apply(ticket_id, change)

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

        return self.apply(ticket_id, change)
