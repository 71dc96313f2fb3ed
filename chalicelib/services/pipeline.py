"""The workflow's steps (Classify, Assign, NotifyAgency, ReplyToCitizen, WaitForAcknowledgement,
Escalate) and the agency's actions that end a wait: acknowledge, or reassign to another agency.

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
from chalicelib.domain.directory import TRIAGE, Agency, Directory, UnknownAgencyError
from chalicelib.domain.tickets import Classification, Correction, InvalidTransitionError, Status, Ticket
from chalicelib.services.ports import CorrectionStore, Notifier, Replier, TicketRepository, Workflow

Classifier = Callable[[str], Classification]
_DONE_AFTER_NOTIFY = {Status.NOTIFIED, Status.AWAITING_ACK, Status.ACKNOWLEDGED, Status.ESCALATED}


def classify_ticket(ticket_id: str, repo: TicketRepository, classify: Classifier, now: datetime) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status is Status.RECEIVED:
        ticket.classify(classify(ticket.text), now)
        repo.save(ticket)
    return asdict(ticket.classification)


def _response_seconds(agency: Agency, override_seconds: int | None) -> int:
    return max(1, int(sla.response_window(agency, override_seconds).total_seconds()))


def _reassigned(agency: Agency, override_seconds: int | None) -> dict:
    """What a reassignment tells the waiting workflow: go back and notify this agency."""
    return {"outcome": "REASSIGNED", "agency": agency.code, "response_seconds": _response_seconds(agency, override_seconds)}


def _copy_region(agency: Agency, region: str | None, directory: Directory) -> str | None:
    return region if agency.copy_region and region in directory.regions else None


def assign_ticket(
    ticket_id: str, repo: TicketRepository, directory: Directory, override_seconds: int | None, now: datetime
) -> dict:
    """The classified agency, or the triage desk when routing is not confident enough; plus a copy
    to the regency/city government where the problem is, for agencies whose work it shares."""
    ticket = repo.get(ticket_id)
    if ticket.status is Status.CLASSIFIED:
        classification = ticket.classification
        code = classification.agency if classification.confidence >= directory.triage_confidence else TRIAGE
        agency = directory[code]
        ticket.assign(agency.code, sla.due_at(now, sla.response_window(agency, override_seconds)), now,
                      copy_region=_copy_region(agency, classification.region, directory))
        repo.save(ticket)
    return {"agency": ticket.agency, "response_seconds": _response_seconds(directory[ticket.agency], override_seconds)}


def notify_agency(
    ticket_id: str, repo: TicketRepository, notifier: Notifier, directory: Directory,
    action_url: Callable[[Ticket, str], str], now: datetime,
) -> dict:
    ticket = repo.get(ticket_id)
    if ticket.status in _DONE_AFTER_NOTIFY:
        return {"agency": ticket.agency, "notified": False}
    agency = directory[ticket.agency]
    email = messages.agency_notification(ticket, agency, action_url(ticket, "acknowledge"), action_url(ticket, "reassign"))
    message_id = notifier.notify_agency(agency.topic, email, ticket.ticket_id, agency.code)
    if ticket.copy_region:
        office = directory.regions[ticket.copy_region]
        notifier.notify_region(office.topic, messages.region_copy(ticket, agency, office), ticket.ticket_id, office.code)
    ticket.mark_notified(now)
    repo.save(ticket)
    return {"agency": agency.code, "notified": True, "message_id": message_id, "copied_to": ticket.copy_region}


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
    ticket_id: str, task_token: str, repo: TicketRepository, workflow: Workflow, directory: Directory,
    override_seconds: int | None, now: datetime,
) -> dict:
    """Park the ticket with the token that resumes its workflow; resume at once if the agency
    already acknowledged, or the ticket was handed to another agency, before the wait began."""
    ticket = repo.get(ticket_id)
    if ticket.is_acknowledged:
        workflow.resume(task_token, {"outcome": "ACKNOWLEDGED", "agency": ticket.agency})
        return {"waiting": False}
    if ticket.status is Status.ASSIGNED:
        workflow.resume(task_token, _reassigned(directory[ticket.agency], override_seconds))
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
        token = ticket.task_token
        ticket.acknowledge(agency, now)
        try:
            repo.save(ticket)
        except ConcurrentUpdateError:
            if attempt:
                raise
            continue
        if token:
            try:
                workflow.resume(token, {"outcome": "ACKNOWLEDGED", "agency": agency})
            except WorkflowResumeError:
                pass  # the wait already ended (escalated); the acknowledgement still counts
        return ticket
    raise AssertionError("unreachable")


def reassign(
    ticket_id: str, by: str, to: str, repo: TicketRepository, workflow: Workflow, corrections: CorrectionStore,
    directory: Directory, override_seconds: int | None, now: datetime,
) -> Ticket:
    """The agency holding a ticket (or the triage desk) hands it to the right agency.

    The correction is stored as a labelled example for the next model rebuild, and the waiting
    workflow goes back to NotifyAgency for the new agency.
    """
    if to not in directory:
        raise UnknownAgencyError(to)
    ticket = repo.get(ticket_id)
    if by not in (ticket.agency, TRIAGE):
        raise InvalidTransitionError(f"ticket {ticket_id} is with {ticket.agency}; {by} cannot hand it on")
    previous, token = ticket.agency, ticket.task_token
    agency = directory[to]
    region = ticket.classification.region if ticket.classification else None
    ticket.reassign(to, sla.due_at(now, sla.response_window(agency, override_seconds)), now, by,
                    copy_region=_copy_region(agency, region, directory))
    repo.save(ticket)
    corrections.add(Correction(ticket_id=ticket.ticket_id, text=ticket.text, predicted=ticket.classification.agency
                               if ticket.classification else previous, agency=to, by=by, at=now))
    if token:
        try:
            workflow.resume(token, _reassigned(agency, override_seconds))
        except WorkflowResumeError:
            pass  # no wait in progress: the next WaitForAcknowledgement sees the new assignment
    return ticket
