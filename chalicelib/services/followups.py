"""Follow-ups: what a citizen adds to a ticket (a reply in the complaint's thread on X, an SMS from the
same phone, a comment on the status page) is recorded on it and the agency holding it gets a short
alert; one that says the problem is not fixed within 7 days of the resolution reopens the ticket: it
goes back to that agency with a fresh resolution deadline, alerted, and a reopen execution of the
workflow waits for the resolution again (the ladder runs again).

Exactly once: the follow-up is recorded under its source message's id in the same write as the reopen,
so a message delivered twice changes nothing; the reopen execution is named after the ticket and its
round, so starting it again is a no-op; the alert is sent, then marked on the follow-up (a crash in
between repeats the alert rather than losing it).
"""
from __future__ import annotations

from chalicelib.domain import messages
from chalicelib.domain.followups import FollowUp, says_not_fixed
from chalicelib.domain.tickets import Ticket
from chalicelib.services.actions import AgencyActions
from chalicelib.services.alerting import Alert, send_once
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.pipeline import agency_topic, deadlines_for
from chalicelib.services.ports import IncomingMessage
from chalicelib.services.progress import progress

ADDED, REOPENED, DUPLICATE = "follow_up", "reopened", "duplicate"


class FollowUps:
    def __init__(self, c: Collaborators) -> None:
        self._c = c
        self._actions = AgencyActions(c)

    def take(self, ticket_id: str, message: IncomingMessage, may_reopen: bool = True) -> str:
        """Record the message on the ticket; reopen it when it says the problem is not fixed (and
        `may_reopen`: the sender is the reporter). Returns ADDED, REOPENED or DUPLICATE."""
        c = self._c
        source = f"{message.channel}:{message.source_id}"
        left: list[str] = []
        added: list[bool] = []

        def change(ticket: Ticket) -> bool:
            added[:] = [ticket.add_follow_up(FollowUp(source, message.text, message.created_at or c.clock()))]
            if not added[0]:
                return False
            follow_up, now = ticket.follow_ups[-1], c.clock()
            if may_reopen and ticket.hold is None and says_not_fixed(message.text) and ticket.may_reopen(now):
                agency = c.directory[ticket.agency]
                left[:] = [i for i in [ticket.reopen(follow_up, deadlines_for(c, ticket, agency), now)] if i]
            return True

        ticket = self._actions.apply(ticket_id, change, resume=False)
        follow_up = next(f for f in ticket.follow_ups if f.source == source)
        if follow_up.reopened:
            for incident in left:
                c.incidents.remove_report(incident, ticket_id)
            c.workflow.reopen(ticket_id, ticket.reopen_round, progress(ticket, c.clock()))
        self._alert(ticket, follow_up)  # also for a repeat: a crash may have come between the write and the alert
        if not added[0]:
            return DUPLICATE
        return REOPENED if follow_up.reopened else ADDED

    def _alert(self, ticket: Ticket, follow_up: FollowUp) -> None:
        """The holding agency hears of it once (a triage hold collects messages silently)."""
        if follow_up.alerted or ticket.hold is not None or not ticket.agency:
            return
        agency = self._c.directory[ticket.agency]
        links = {action: self._c.links(ticket, action) for action in ("answer", "resolve")}
        email = messages.follow_up_alert(ticket, agency, follow_up, links)
        number = next(i for i, f in enumerate(ticket.follow_ups, 1) if f.source == follow_up.source)
        send_once(self._c, ticket, [Alert(agency_topic(agency), "reopened" if follow_up.reopened else "follow_up", email,
                                          occasion=f"followup{number}")])

        def mark(current: Ticket) -> bool:
            stored = next(f for f in current.follow_ups if f.source == follow_up.source)
            stored.alerted = True
            return True

        self._actions.apply(ticket.ticket_id, mark, resume=False)
