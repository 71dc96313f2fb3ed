"""Intake: messages from a citizen channel become tickets and workflows.

Exactly once: the ticket id derives from the source message and is created with a conditional
write; the workflow execution is named after the ticket, so a retried start cannot double it.
The channel's cursor only moves forward after everything since it was received.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.domain import messages
from chalicelib.domain.tickets import WITH_AGENCY, InvalidTransitionError, Ticket, ticket_id_for
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import IncomingMessage, RateLimitedError, TicketNotFoundError

_STATUS_COMMAND = re.compile(r"^\s*STATUS\s+([A-Za-z][A-Za-z0-9]{1,40})\s*$", re.IGNORECASE)


@dataclass
class IntakeReport:
    fetched: int = 0
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Kemala's own posts and agencies' posts: not complaints
    answers: list[str] = field(default_factory=list)  # tickets answered by an agency's own reply
    rate_limited: bool = False
    checkpoint: str | None = None


class Intake:
    def __init__(self, c: Collaborators) -> None:
        self._c = c
        self._agencies = AgencyActions(c)

    def ingest(self, message: IncomingMessage) -> bool:
        """Make sure this message has its ticket and its workflow; True if the ticket is new."""
        ticket = Ticket(
            ticket_id=ticket_id_for(message.channel, message.source_id), channel=message.channel,
            source_id=message.source_id, text=message.text, author=message.author,
            received_at=message.created_at or self._c.clock(), privacy=message.privacy, regency=message.regency,
            kecamatan=message.kecamatan, photo=message.photo,
        )
        created = self._c.tickets.add(ticket)
        # Started even when the ticket already existed: a crash between the two writes must not lose
        # the workflow, and a start under an existing execution name changes nothing.
        self._c.workflow.start(ticket.ticket_id)
        return created

    def take_pushed(self, message: IncomingMessage) -> str:
        """A message a channel pushed to Kemala (an SMS): `STATUS <ticket>` is answered at once in the
        same channel, anything else is a complaint. Returns what was done: `status`, `created`, `duplicate`."""
        command = _STATUS_COMMAND.match(message.text)
        if command is None:
            return "created" if self.ingest(message) else "duplicate"
        # The push may be delivered twice (SNS is at least once): the first delivery answers.
        if self._c.checkpoints.take_number(f"{message.channel}:status:{message.source_id}") == 0:
            ticket_id = command.group(1).upper()
            try:
                ticket = self._c.tickets.get(ticket_id)
            except TicketNotFoundError:
                ticket = None
            agency = self._c.directory[ticket.agency] if ticket and ticket.agency else None
            channel = self._c.channels[message.channel]
            for part in channel.render(messages.status_reply(ticket_id, ticket, agency)):
                channel.send_to(message.author or "", part)
        return "status"

    def _not_a_complaint(self, message: IncomingMessage) -> bool:
        """Kemala's own posts (its replies carry the hashtag and come back in search) and agencies'
        posts are never complaints."""
        author = (message.author or "").lower()
        return author in self._c.own_accounts or self._c.directory.agency_of_handle(author) is not None

    def poll(self, channel_code: str) -> IntakeReport:
        """Receive what the channel has since its checkpoint and ingest each complaint."""
        return self._drain(f"{channel_code}:inbox", lambda cursor: self._c.channels[channel_code].receive(cursor),
                           self._take_complaint)

    def poll_agency_replies(self, channel_code: str) -> IntakeReport:
        """Agencies' replies from their own accounts in complaint threads: one search for all agencies.
        A reply by the agency holding the ticket is recorded as its answer and ends the wait."""
        handles = self._c.directory.x_handles()
        channel = self._c.channels[channel_code]
        return self._drain(f"{channel_code}:agency-replies",
                           lambda cursor: channel.receive_agency_replies(handles, cursor), self._take_agency_reply)

    def _drain(self, stream: str, receive, take) -> IntakeReport:
        report = IntakeReport(checkpoint=self._c.checkpoints.get(stream))
        try:
            inbox = receive(report.checkpoint)
        except RateLimitedError:
            report.rate_limited = True
            return report
        report.fetched = len(inbox.messages)
        report.rate_limited = not inbox.complete
        for message in inbox.messages:
            take(message, report)
        if inbox.complete and inbox.cursor:
            self._c.checkpoints.put(stream, inbox.cursor)
            report.checkpoint = inbox.cursor
        return report

    def _take_complaint(self, message: IncomingMessage, report: IntakeReport) -> None:
        ticket_id = ticket_id_for(message.channel, message.source_id)
        if self._not_a_complaint(message):
            report.skipped.append(ticket_id)
            return
        (report.created if self.ingest(message) else report.duplicates).append(ticket_id)

    def _take_agency_reply(self, message: IncomingMessage, report: IntakeReport) -> None:
        agency = self._c.directory.agency_of_handle(message.author or "")
        if agency is None or message.conversation_id is None:
            return
        ticket_id = ticket_id_for(message.channel, message.conversation_id)
        try:
            ticket = self._c.tickets.get(ticket_id)
        except TicketNotFoundError:
            return  # a reply in a thread that is not a complaint
        if ticket.agency != agency or ticket.status not in WITH_AGENCY or ticket.latest_answer == message.text.strip():
            report.duplicates.append(ticket_id)
            return
        try:
            self._agencies.answer(ticket_id, agency, message.text, via_own_account=True)
        except InvalidTransitionError:
            report.duplicates.append(ticket_id)
            return
        report.answers.append(ticket_id)
