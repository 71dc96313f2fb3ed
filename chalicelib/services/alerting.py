"""Alerts to agencies sent exactly once, whatever crashes and retries.

Neither SNS Publish nor SES SendEmail takes an idempotency key, so a step that dies after sending and
before recording it cannot tell, on its retry, whether the alert went out. Kemala records that an
alert's sending *began* (on the ticket, before anything is sent) and AWS confirms each part it sent:
the SNS message reaches the `record_receipts` function through its subscription, and SES publishes
a Send event for the e-mail (through the configuration set's event destination) that reaches the
same function. Each confirmation is kept as a receipt `<part>:<alert key>` of the ticket (ReceiptStore).

A retry that finds an alert begun but not confirmed waits for the receipts (`AlertUnconfirmedError`,
retried by the workflow) up to `alert_receipt_wait` after the sending began; parts still unconfirmed
after that were never sent (the crash came before them) and are sent then. The wait is chosen far
above the receipts' delivery time (seconds), so a late receipt, the only way an alert could repeat,
does not happen in practice; `record_receipts` counts one that arrives for a part sent twice.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.messages import Email
from chalicelib.domain.tickets import Ticket
from chalicelib.services.collaborators import Collaborators


class AlertUnconfirmedError(RuntimeError):
    """An alert's sending began and AWS has not confirmed it yet: try again shortly."""


@dataclass(frozen=True)
class Alert:
    topic: str  # agency-dinkes, agency-dinkes-head, agency-dinkes-duty, region-3374, escalations
    kind: str  # new_ticket, copy, emergency_page, reminder_response, escalation_resolution...
    email: Email | None = None  # an alert
    page: str | None = None  # or a page's short text (SMS to the duty officer)
    occasion: str = "assigned"  # what the alert is for, when one kind has several (a report unlinked)

    def key(self, ticket: Ticket) -> str:
        """Unique per ticket, assignment, occasion, kind and recipient; SES tags allow [A-Za-z0-9_-]."""
        return f"{self.kind}-{self.occasion}-{ticket.assignments}-{self.topic}"


def send_once(c: Collaborators, ticket: Ticket, alerts: list[Alert]) -> None:
    """Send each alert's parts that were not sent yet, recording the start first (one write).

    The caller saves the ticket afterwards with the transition that says the alerts are done."""
    now = c.clock()
    todo: list[tuple[Alert, str, tuple[str, ...]]] = []
    for alert in alerts:
        key = alert.key(ticket)
        if key not in ticket.alerts:
            todo.append((alert, key, c.notifier.parts(alert.topic) if alert.email else ("sns",)))
            continue
        begun = ticket.alerts[key]
        confirmed = c.receipts.confirmed(ticket.ticket_id, [f"{part}:{key}" for part in begun.parts])
        missing = tuple(part for part in begun.parts if f"{part}:{key}" not in confirmed)
        if missing and now - begun.at < c.alert_receipt_wait:
            raise AlertUnconfirmedError(f"ticket {ticket.ticket_id}: alert {key} begun, {', '.join(missing)} not confirmed")
        if missing:
            todo.append((alert, key, missing))
    if todo:
        ticket.begin_alerts({key: parts for _, key, parts in todo}, now)
        c.tickets.save(ticket)
    for alert, key, parts in todo:
        if alert.email:
            c.notifier.alert(alert.topic, alert.email, alert.kind, ticket.ticket_id, key, parts)
        else:
            c.notifier.page(alert.topic, alert.page or "", ticket.ticket_id, key)
