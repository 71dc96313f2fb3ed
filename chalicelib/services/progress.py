"""Where a ticket stands, as the workflow reads it: every task returns this view, so each wait
starts from fresh deadlines and one choice routes on two fields: `message_key`, the next message
waiting to reach the citizen (None when there is none), and `outcome`:

    WAITING     with the agency, no response yet
    RESPONDED   acknowledged or answered (nothing new to tell the citizen)
    ANSWERED    an answer waits to reach the citizen
    RESOLVED    resolved (finished once no message waits)
    REASSIGNED  handed to another agency, which must be notified
    CLOSED      closed by the triage desk
    ESCALATED   (from an escalation step) the escalation went out; keep waiting
    QUEUED      (from TellCitizen) the message waits for its place behind the channel's rate limit (`retry_at`)
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain import sla
from chalicelib.domain.tickets import Status, Ticket


def progress(ticket: Ticket, now: datetime, outcome: str | None = None) -> dict:
    deadlines = ticket.deadlines
    view = {
        "agency": ticket.agency,
        "status": ticket.status.value,
        "outcome": outcome or _outcome(ticket),
        "message_key": ticket.next_message(),
        "response_seconds": sla.seconds_until(deadlines.response_due, now) if deadlines else 1,
        "resolution_seconds": sla.seconds_until(deadlines.resolution_due, now) if deadlines else 1,
        "ladder_seconds": max(1, int(deadlines.ladder.total_seconds())) if deadlines else 1,
    }
    return view


def _outcome(ticket: Ticket) -> str:
    status = ticket.status
    if status is Status.RESOLVED:
        return "RESOLVED"
    if status is Status.CLOSED:
        return "CLOSED"
    if status is Status.ASSIGNED:
        return "REASSIGNED"
    if ticket.undelivered_answer():
        return "ANSWERED"
    return "RESPONDED" if ticket.responded else "WAITING"
