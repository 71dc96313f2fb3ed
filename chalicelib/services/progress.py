"""Where a ticket stands, as the workflow reads it: every task returns this view, so each wait
starts from fresh deadlines and each choice routes on one field, `outcome`.

    WAITING     with the agency, no response yet
    RESPONDED   acknowledged or answered (nothing new to tell the citizen)
    ANSWERED    an answer waits to reach the citizen (`message_key`)
    RESOLVED    resolved; the resolution waits to reach the citizen
    REASSIGNED  handed to another agency, which must be notified
    CLOSED      closed by the triage desk
    ESCALATED   (from an escalation step) the escalation went out; keep waiting
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
        "message_key": ticket.undelivered_answer(),
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
