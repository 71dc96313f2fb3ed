"""The workflow's steps, called by the tasks of the state machine in infra/workflow.asl.json:
classify, assign and notify the agency (one task: `route_and_notify`), tell the citizen, wait for the
agency, escalate.

Each step reads the ticket, applies its domain transitions and writes it back. A step that finds
its work already done (a Step Functions retry after a timeout, say) returns the recorded result
instead of doing it twice. Every step returns `progress(...)`: where the ticket stands now.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from chalicelib.domain import messages
from chalicelib.domain.directory import TRIAGE, Agency, Directory
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import FINISHED, WITH_AGENCY, Delivery, Status, Ticket
from chalicelib.domain.incidents import leads
from chalicelib.domain.senders import sender_of
from chalicelib.services.alerting import Alert, send_once
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.incidents import Incidents
from chalicelib.services.ports import ConcurrentUpdateError, RateLimitedError
from chalicelib.services.progress import progress

_CLOCKS = ("response", "resolution")
_PARK_ATTEMPTS = 5  # parking the token races the agency's own actions on the ticket
_ROUTE_ATTEMPTS = 3  # routing races the citizen's follow-ups and the triage desk on the new ticket


def deadlines_for(c: Collaborators, ticket: Ticket, agency: Agency) -> Deadlines:
    urgency = ticket.classification.urgency if ticket.classification else "NORMAL"
    return c.sla.deadlines(agency.sla, urgency, agency.ladder_hours, c.clock())


def copy_region(agency: Agency, region: str | None, directory: Directory) -> str | None:
    return region if agency.copy_region and region in directory.regions else None


def agency_topic(agency: Agency) -> str:
    return f"agency-{agency.topic}"


class WorkflowSteps:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def _progress(self, ticket: Ticket, outcome: str | None = None) -> dict:
        return progress(ticket, self._c.clock(), outcome)

    def route_and_notify(self, ticket_id: str) -> dict:
        """A new complaint to its agency in one task (one invocation, one state transition): classify,
        assign, notify, on one read of the ticket. The classification and the assignment are written
        with the alert's start (routing again after a crash before that write gives the same answer), the
        notification once the alert is out; a retry resumes where a crash stopped, and a reassigned ticket
        goes straight to the notification. A write that finds the ticket changed meanwhile (the citizen's
        follow-up, say) reads it again."""
        for attempt in range(_ROUTE_ATTEMPTS):
            ticket = self._c.tickets.get(ticket_id)
            try:
                self._classify(ticket)
                self._assign(ticket)
                self._notify_agency(ticket)
                return self._progress(ticket)
            except ConcurrentUpdateError:
                if attempt == _ROUTE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _classify(self, ticket: Ticket) -> None:
        if ticket.status is Status.RECEIVED:
            classification = self._c.classify(ticket.text)
            if ticket.regency:  # the reporter's own choice of place beats what the text suggests
                classification = replace(classification, region=ticket.regency)
            ticket.classify(classification, self._c.clock())

    def _assign(self, ticket: Ticket) -> None:
        """The classified agency, or the triage desk when routing is not confident enough; plus a copy
        to the regency/city government where the problem is, for agencies whose work it shares."""
        c = self._c
        if ticket.status is Status.CLASSIFIED:
            classification = ticket.classification
            confident = classification.confidence >= c.directory.triage_confidence
            code = classification.agency if confident and ticket.hold is None else TRIAGE
            agency = c.directory[code]
            ticket.assign(agency.code, deadlines_for(c, ticket, agency), c.clock(),
                          copy_region=copy_region(agency, classification.region, c.directory))
            Incidents(c).link(ticket)

    def _notify_agency(self, ticket: Ticket) -> None:
        """The agency's alert (e-mail through its topic), a copy to the regency government where the
        directory says so, and a page to its duty officer for an EMERGENCY; then the citizen's ticket
        number is recorded to be told (not for the triage desk: mostly thanks, chatter and spam)."""
        c = self._c
        if ticket.status is Status.ASSIGNED and not leads(ticket.incident, ticket.ticket_id):
            ticket.mark_notified(c.clock())  # the incident's lead alerted the agency; actions on it reach this one
            ticket.tell_ticket_number()
            c.tickets.save(ticket)
        if ticket.status is Status.ASSIGNED:
            agency = c.directory[ticket.agency]
            links = {action: c.links(ticket, action) for action in ("acknowledge", "answer", "resolve", "reassign")}
            alerts = [Alert(agency_topic(agency), "new_ticket", messages.agency_notification(ticket, agency, links))]
            if ticket.copy_region:
                office = c.directory.regions[ticket.copy_region]
                alerts.append(Alert(office.topic, "copy", messages.region_copy(ticket, agency, office)))
            if ticket.classification and ticket.classification.urgency == "EMERGENCY":
                alerts.append(Alert(f"agency-{agency.duty_topic}", "emergency_page",
                                    page=messages.emergency_page(ticket, agency)))
            send_once(c, ticket, alerts)
            ticket.mark_notified(c.clock())
            if ticket.agency != TRIAGE:
                ticket.tell_ticket_number()
            c.tickets.save(ticket)

    def tell_citizen(self, ticket_id: str, key: str | None) -> dict:
        """Send one recorded message to the citizen, part by part, each part exactly once.

        A part whose send was started but not confirmed is looked up on the channel before it is
        sent again. A rate limit returns `retry_at`: the message's place in the paced queue."""
        c = self._c
        ticket = c.tickets.get(ticket_id)
        delivery = ticket.deliveries.get(key or "")
        if delivery is None or not delivery.waiting:
            return {**self._progress(ticket), "retry_at": None}
        withheld = self._withheld(ticket)
        if withheld:
            delivery.failed = withheld  # on record, never sent
            c.tickets.save(ticket)
            return {**self._progress(ticket), "retry_at": None}
        channel = c.channels[ticket.channel]
        text = messages.citizen_message(delivery.kind, ticket, c.directory[delivery.agency], delivery.text)
        parts = channel.render(text)
        for index, part in enumerate(parts):
            if index < len(delivery.post_ids):
                continue
            if delivery.pending == index and (found := channel.find_sent(ticket, part)):
                self._sent(ticket, delivery, found, last=index == len(parts) - 1)
                continue
            delivery.pending = index
            c.tickets.save(ticket)
            try:
                post_id = channel.send(ticket, part, delivery.post_ids[-1] if delivery.post_ids else None)
            except RateLimitedError as error:
                delivery.pending = None
                c.tickets.save(ticket)
                return {**self._progress(ticket, "QUEUED"), "retry_at": self._queue_place(channel, error.reset_at)}
            self._sent(ticket, delivery, post_id, last=index == len(parts) - 1)
        return {**self._progress(ticket), "retry_at": None}

    def _withheld(self, ticket: Ticket) -> str | None:
        """Why a message must not go to this citizen: the sender is banned, or deleted the post it replies to."""
        sender = sender_of(ticket.channel, ticket.author)
        if sender and self._c.bans and self._c.bans.is_banned(*sender):
            return "withheld: sender banned"
        return "withheld: source post deleted" if ticket.redacted else None

    def _sent(self, ticket: Ticket, delivery: Delivery, post_id: str, last: bool) -> None:
        delivery.post_ids.append(post_id)
        delivery.pending = None
        delivery.sent = last
        self._c.tickets.save(ticket)

    def _queue_place(self, channel, reset_at: int | None) -> str:
        """When this message may be sent: its place among those queued behind the same rate limit,
        spread over the windows that follow (so a flood drains in order without a thundering herd)."""
        per_window, window = channel.pacing
        now = int(self._c.clock().timestamp())
        reset = max(reset_at or now + window, now + 1)
        place = self._c.checkpoints.take_number(f"{channel.code}:queue:{reset}")
        moment = reset + (place // per_window) * window + (place % per_window) * window // per_window
        return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def record_undelivered(self, ticket_id: str, key: str | None, error: str) -> dict:
        """A message that failed after every retry: kept on the ticket for operators, never silent."""
        ticket = self._c.tickets.get(ticket_id)
        delivery = ticket.deliveries.get(key or "")
        if delivery is not None and delivery.waiting:
            delivery.failed = error[:500] or "unknown error"
            self._c.tickets.save(ticket)
        return {**self._progress(ticket), "undelivered": key}

    def await_agency(self, ticket_id: str, task_token: str, phase: str) -> dict:
        """Park the ticket with the token that resumes its workflow, unless something the workflow must
        act on already happened (an answer, resolution, reassignment, closing; in the response phase
        also an acknowledgement), in which case the wait ends at once."""
        c = self._c
        keeps_waiting = {"WAITING"} if phase == "response" else {"RESPONDED"}
        for attempt in range(_PARK_ATTEMPTS):
            ticket = c.tickets.get(ticket_id)
            view = self._progress(ticket)
            if view["outcome"] not in keeps_waiting:
                c.workflow.resume(task_token, view)
                return {"waiting": False, "outcome": view["outcome"]}
            ticket.park(task_token)
            try:
                c.tickets.save(ticket)
                return {"waiting": True}
            except ConcurrentUpdateError:  # the agency acted meanwhile: look again at what it did
                if attempt == _PARK_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def escalate(self, ticket_id: str, level: int, clock: str) -> dict:
        """Level 1: a reminder to the agency and an alert to its head; level 2: the governor's office.
        Nothing is sent when the ticket moved on in the meantime (its progress is returned instead)."""
        if clock not in _CLOCKS or level not in (1, 2):
            raise ValueError(f"no escalation {clock} level {level}")
        c = self._c
        ticket = c.tickets.get(ticket_id)
        due = ticket.status in WITH_AGENCY and (not ticket.responded if clock == "response" else True)
        if ticket.status in FINISHED or not due or not leads(ticket.incident, ticket.ticket_id):
            return self._progress(ticket)  # a linked report is escalated through its incident's lead
        if level in ticket.escalation_levels(clock):
            return self._progress(ticket, "ESCALATED")
        agency = c.directory[ticket.agency]
        if level == 1:
            email = messages.reminder(ticket, agency, clock)
            alerts = [Alert(agency_topic(agency), f"reminder_{clock}", email),
                      Alert(f"agency-{agency.head_topic}", f"reminder_{clock}", email)]
        else:
            alerts = [Alert("escalations", f"escalation_{clock}", messages.escalation(ticket, agency, clock))]
        send_once(c, ticket, alerts)
        ticket.escalate(level, clock, c.clock())
        c.tickets.save(ticket)
        return self._progress(ticket, "ESCALATED")
