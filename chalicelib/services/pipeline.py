"""The workflow's steps (Classify, Assign, NotifyAgency, ReplyToCitizen, WaitForAcknowledgement,
Escalate), each called by one task of the state machine in infra/workflow.asl.json.

Each step reads the ticket, applies one domain transition and writes it back. A step that finds
its work already done (a Step Functions retry after a timeout, say) returns the recorded result
instead of doing it twice.
"""
from __future__ import annotations

from dataclasses import asdict

from chalicelib.domain import messages, sla
from chalicelib.domain.directory import TRIAGE, Agency, Directory
from chalicelib.domain.tickets import Status
from chalicelib.services.collaborators import Collaborators

_DONE_AFTER_NOTIFY = {Status.NOTIFIED, Status.AWAITING_ACK, Status.ACKNOWLEDGED, Status.ESCALATED}


def response_seconds(agency: Agency, override_seconds: int | None) -> int:
    return max(1, int(sla.response_window(agency, override_seconds).total_seconds()))


def copy_region(agency: Agency, region: str | None, directory: Directory) -> str | None:
    return region if agency.copy_region and region in directory.regions else None


class WorkflowSteps:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def classify(self, ticket_id: str) -> dict:
        ticket = self._c.tickets.get(ticket_id)
        if ticket.status is Status.RECEIVED:
            ticket.classify(self._c.classify(ticket.text), self._c.clock())
            self._c.tickets.save(ticket)
        return asdict(ticket.classification)

    def assign(self, ticket_id: str) -> dict:
        """The classified agency, or the triage desk when routing is not confident enough; plus a copy
        to the regency/city government where the problem is, for agencies whose work it shares."""
        c = self._c
        ticket = c.tickets.get(ticket_id)
        if ticket.status is Status.CLASSIFIED:
            classification = ticket.classification
            code = classification.agency if classification.confidence >= c.directory.triage_confidence else TRIAGE
            agency, now = c.directory[code], c.clock()
            ticket.assign(agency.code, sla.due_at(now, sla.response_window(agency, c.sla_override_seconds)), now,
                          copy_region=copy_region(agency, classification.region, c.directory))
            c.tickets.save(ticket)
        return {"agency": ticket.agency,
                "response_seconds": response_seconds(c.directory[ticket.agency], c.sla_override_seconds)}

    def notify_agency(self, ticket_id: str) -> dict:
        c = self._c
        ticket = c.tickets.get(ticket_id)
        if ticket.status in _DONE_AFTER_NOTIFY:
            return {"agency": ticket.agency, "notified": False}
        agency = c.directory[ticket.agency]
        email = messages.agency_notification(ticket, agency, c.links(ticket, "acknowledge"), c.links(ticket, "reassign"))
        message_id = c.notifier.notify_agency(agency.topic, email, ticket.ticket_id, agency.code)
        if ticket.copy_region:
            office = c.directory.regions[ticket.copy_region]
            c.notifier.notify_region(office.topic, messages.region_copy(ticket, agency, office), ticket.ticket_id,
                                     office.code)
        ticket.mark_notified(c.clock())
        c.tickets.save(ticket)
        return {"agency": agency.code, "notified": True, "message_id": message_id, "copied_to": ticket.copy_region}

    def reply_to_citizen(self, ticket_id: str) -> dict:
        """Tell the citizen their ticket number and who handles it; nothing for the triage desk's tickets.

        Triage tickets are mostly not complaints (thanks, chatter, spam): a ticket reply would be noise.
        """
        c = self._c
        ticket = c.tickets.get(ticket_id)
        if ticket.agency == TRIAGE:
            return {"replied": False, "reason": "not_replied_for_this_ticket"}
        if ticket.reply_id:
            return {"replied": False, "reason": "already_replied", "reply_id": ticket.reply_id}
        text = messages.citizen_reply(ticket, c.directory[ticket.agency])
        ticket.reply_id = c.channels[ticket.channel].reply(ticket, text)
        c.tickets.save(ticket)
        return {"replied": True, "reply_id": ticket.reply_id}

    def await_acknowledgement(self, ticket_id: str, task_token: str) -> dict:
        """Park the ticket with the token that resumes its workflow; resume at once if the agency
        already acknowledged, or the ticket was handed to another agency, before the wait began."""
        c = self._c
        ticket = c.tickets.get(ticket_id)
        if ticket.is_acknowledged:
            c.workflow.resume(task_token, {"outcome": "ACKNOWLEDGED", "agency": ticket.agency})
            return {"waiting": False}
        if ticket.status is Status.ASSIGNED:
            c.workflow.resume(task_token, reassigned(c.directory[ticket.agency], c.sla_override_seconds))
            return {"waiting": False}
        ticket.await_acknowledgement(task_token, c.clock())
        c.tickets.save(ticket)
        return {"waiting": True}

    def escalate(self, ticket_id: str) -> dict:
        c = self._c
        ticket = c.tickets.get(ticket_id)
        if ticket.status is not Status.AWAITING_ACK:
            return {"escalated": False, "status": ticket.status.value}
        agency = c.directory[ticket.agency]
        # Published before the write: a crash in between repeats the alert rather than losing it.
        c.notifier.escalate(messages.escalation(ticket, agency), ticket.ticket_id, agency.code)
        ticket.escalate(c.clock())
        c.tickets.save(ticket)
        return {"escalated": True, "agency": agency.code}


def reassigned(agency: Agency, override_seconds: int | None) -> dict:
    """What a reassignment tells the waiting workflow: go back and notify this agency."""
    return {"outcome": "REASSIGNED", "agency": agency.code, "response_seconds": response_seconds(agency, override_seconds)}
