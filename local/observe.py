"""Reads what the local stack did: ticket status changes, the SNS messages (machine subscribers,
pages) and the SES e-mails agencies received."""
from __future__ import annotations

import json
from dataclasses import dataclass

from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.domain.tickets import Ticket


@dataclass(frozen=True)
class Notification:
    ticket_id: str
    agency: str  # the agency code, the region code for a copy, GOVERNOR for the governor's office
    kind: str  # new_ticket | copy | reminder_<clock> | escalation_<clock> | emergency_page
    topic: str  # the topic's name without the kemala-<stage>- prefix
    subject: str
    body: str
    sent_at: float  # when SNS delivered it to the queue (epoch seconds)


class TicketWatcher:
    """Yields each ticket whose status changed since the last look."""

    def __init__(self) -> None:
        self._repo = DynamoTicketRepository()
        self._seen: dict[str, str] = {}

    def changes(self) -> list[Ticket]:
        changed = []
        for ticket in sorted(self._repo.scan_all(), key=lambda t: t.ticket_id):
            if self._seen.get(ticket.ticket_id) != ticket.status.value:
                self._seen[ticket.ticket_id] = ticket.status.value
                changed.append(ticket)
        return changed

    def all(self) -> list[Ticket]:
        return self._repo.scan_all()

    def get_many(self, ticket_ids: set[str]) -> list[Ticket]:
        """The current state of these tickets (read one by one: the replay asks for few at a time)."""
        return [self._repo.get(ticket_id) for ticket_id in sorted(ticket_ids)]


def _addressee(topic: str) -> str:
    """`agency-dinkes-head` -> DINKES, `region-3374` -> 3374, `escalations` -> GOVERNOR."""
    if topic == "escalations":
        return "GOVERNOR"
    name = topic.split("-", 1)[-1]
    return name.removesuffix("-head").removesuffix("-duty").upper()


def drain_notifications(sqs, queue_url: str, wait_seconds: int = 0) -> list[Notification]:
    """Every message waiting in the observer queue (deleted once read)."""
    found: list[Notification] = []
    while True:
        response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds,
                                       MessageSystemAttributeNames=["SentTimestamp"])
        messages = response.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            envelope = json.loads(message["Body"])
            attributes = {k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()}
            topic = envelope["TopicArn"].rsplit(":", 1)[-1].split("-", 2)[-1]
            found.append(Notification(
                ticket_id=attributes.get("ticket_id", ""), agency=_addressee(topic), kind=attributes.get("kind", ""),
                topic=topic, subject=envelope.get("Subject") or "", body=envelope["Message"],
                sent_at=int(message["Attributes"]["SentTimestamp"]) / 1000,
            ))
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
        wait_seconds = 0


@dataclass(frozen=True)
class SentEmail:
    to: tuple[str, ...]
    subject: str
    html: str  # moto keeps the HTML part of a two-part message


def sent_emails(region: str, account: str) -> list[SentEmail]:
    """Every e-mail sent through SES so far (moto runs in this process and keeps them)."""
    from moto.ses.models import ses_backends

    return [SentEmail(tuple(m.destinations.get("ToAddresses", [])), m.subject, m.body)
            for m in ses_backends[account][region].sent_messages]
