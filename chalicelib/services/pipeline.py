"""The workflow's steps (Classify, Assign, NotifyAgency, ReplyToCitizen, WaitForAcknowledgement,
Escalate) and the agency's acknowledgement that ends the wait.

Each step reads the ticket, applies one domain transition and writes it back. A step that finds
its work already done (a Step Functions retry after a timeout, say) returns the recorded result
instead of doing it twice.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Callable

from chalicelib.adapters.dynamodb import ConcurrentUpdateError
from chalicelib.adapters.workflow import WorkflowResumeError
from chalicelib.domain import messages, sla
from chalicelib.domain.directory import TRIAGE, Directory
from chalicelib.domain.tickets import Classification, InvalidTransitionError, Status, Ticket
from chalicelib.services.ports import Notifier, Replier, TicketRepository, Workflow

Classifier = Callable[[str], Classification]
_DONE_AFTER_NOTIFY = {Status.NOTIFIED, Status.AWAITING_ACK, Status.ACKNOWLEDGED, Status.ESCALATED}


def classify_ticket(ticket_id: str, repo: TicketRepository, classify: Classifier, now: datetime) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status is Status.RECEIVED:
        ticket.classify(classify(ticket.text), now)
        repo.save(ticket)
    return asdict(ticket.classification)


def assign_ticket(
    ticket_id: str, repo: TicketRepository, directory: Directory, override_seconds: int | None, now: datetime
) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status is Status.CLASSIFIED:
        agency = directory[ticket.classification.agency]
        ticket.assign(agency.code, sla.due_at(now, sla.response_window(agency, override_seconds)), now)
        repo.save(ticket)
    window = sla.response_window(directory[ticket.agency], override_seconds)
    return {"agency": ticket.agency, "response_seconds": max(1, int(window.total_seconds()))}


def notify_agency(
    ticket_id: str, repo: TicketRepository, notifier: Notifier, directory: Directory,
    acknowledge_url: Callable[[Ticket], str], now: datetime,
) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status in _DONE_AFTER_NOTIFY:
        return {"agency": ticket.agency, "notified": False}
    agency = directory[ticket.agency]
    email = messages.agency_notification(ticket, agency, acknowledge_url(ticket))
    message_id = notifier.notify_agency(agency.topic, email, ticket.ticket_id, agency.code)
    ticket.mark_notified(now)
    repo.save(ticket)
    return {"agency": agency.code, "notified": True, "message_id": message_id}


def reply_to_citizen(ticket_id: str, repo: TicketRepository, replier: Replier, directory: Directory) -> dict:
    """Tell the citizen their ticket number and who handles it; nothing for the triage desk's tickets.

    Triage tickets are mostly not complaints (thanks, chatter, spam): a ticket reply would be noise.
    """
    ticket = repo.get(ticket_id)
    if ticket.channel != "x" or ticket.agency == TRIAGE:
        return {"replied": False, "reason": "not_replied_for_this_ticket"}
    if ticket.reply_id:
        return {"replied": False, "reason": "already_replied", "reply_id": ticket.reply_id}
    ticket.reply_id = replier.reply(ticket.source_id, messages.citizen_reply(ticket, directory[ticket.agency]))
    repo.save(ticket)
    return {"replied": True, "reply_id": ticket.reply_id}


def await_acknowledgement(
    ticket_id: str, task_token: str, repo: TicketRepository, workflow: Workflow, now: datetime
) -> dict:
    """Park the ticket with the token that resumes its workflow; resume at once if already acknowledged."""
    ticket = repo.get(ticket_id)
    if ticket.is_acknowledged:
        workflow.resume(task_token, {"acknowledged_by": ticket.agency})
        return {"waiting": False}
    ticket.await_acknowledgement(task_token, now)
    repo.save(ticket)
    return {"waiting": True}


def escalate(ticket_id: str, repo: TicketRepository, notifier: Notifier, directory: Directory, now: datetime) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status is not Status.AWAITING_ACK:
        return {"escalated": False, "status": ticket.status.value}
    agency = directory[ticket.agency]
    # Published before the write: a crash in between repeats the alert rather than losing it.
    notifier.escalate(messages.escalation(ticket, agency), ticket.ticket_id, agency.code)
    ticket.escalate(now)
    repo.save(ticket)
    return {"escalated": True, "agency": agency.code}


def acknowledge(ticket_id: str, agency: str, repo: TicketRepository, workflow: Workflow, now: datetime) -> Ticket:
    """The agency confirms it has the ticket; a waiting workflow resumes. Retries a racing write once."""
    for attempt in range(2):
        ticket = repo.get(ticket_id)
        if ticket.is_acknowledged:
            return ticket
        if ticket.status not in _DONE_AFTER_NOTIFY:
            raise InvalidTransitionError(f"ticket {ticket_id} has not reached its agency yet")
        token = ticket.task_token if ticket.status is Status.AWAITING_ACK else None
        ticket.acknowledge(agency, now)
        try:
            repo.save(ticket)
        except ConcurrentUpdateError:
            if attempt:
                raise
            continue
        if token:
            try:
                workflow.resume(token, {"acknowledged_by": agency})
            except WorkflowResumeError:
                pass  # the wait already ended (escalated); the acknowledgement still counts
        return ticket
    raise AssertionError("unreachable")
