"""Intake: messages from a citizen channel become tickets and workflows.

Exactly once: the ticket id derives from the source message and is created with a conditional
write; the workflow execution is named after the ticket, so a retried start cannot double it.
The channel's cursor only moves forward after everything since it was received.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.domain.tickets import Ticket, ticket_id_for
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import IncomingMessage, RateLimitedError


@dataclass
class IntakeReport:
    fetched: int = 0
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rate_limited: bool = False
    checkpoint: str | None = None


class Intake:
    def __init__(self, c: Collaborators) -> None:
        self._c = c

    def ingest(self, message: IncomingMessage) -> bool:
        """Make sure this message has its ticket and its workflow; True if the ticket is new."""
        ticket = Ticket(
            ticket_id=ticket_id_for(message.channel, message.source_id), channel=message.channel,
            source_id=message.source_id, text=message.text, author=message.author,
            received_at=message.created_at or self._c.clock(),
        )
        created = self._c.tickets.add(ticket)
        # Started even when the ticket already existed: a crash between the two writes must not lose
        # the workflow, and a start under an existing execution name changes nothing.
        self._c.workflow.start(ticket.ticket_id)
        return created

    def poll(self, channel_code: str) -> IntakeReport:
        """Receive what the channel has since its checkpoint and ingest each message."""
        stream = f"{channel_code}:inbox"
        report = IntakeReport(checkpoint=self._c.checkpoints.get(stream))
        try:
            inbox = self._c.channels[channel_code].receive(report.checkpoint)
        except RateLimitedError:
            report.rate_limited = True
            return report
        report.fetched = len(inbox.messages)
        report.rate_limited = not inbox.complete
        for message in inbox.messages:
            target = report.created if self.ingest(message) else report.duplicates
            target.append(ticket_id_for(message.channel, message.source_id))
        if inbox.complete and inbox.cursor:
            self._c.checkpoints.put(stream, inbox.cursor)
            report.checkpoint = inbox.cursor
        return report
