"""Intake: messages from a citizen channel become tickets and workflows.

Exactly once: the ticket id derives from the source message and is created with a conditional
write; the workflow execution is named after the ticket, so a retried start cannot double it.

Nothing lost in a flood: a channel hands out one page per `receive` with an opaque cursor that says
where paging stopped (X: the last fully drained id plus the drain in progress). Each poll continues
that drain for as many pages as its budget allows (pages, the function's remaining time, the
channel's rate limit), ingests every page and saves the cursor after it, so the next poll resumes
where this one stopped, however large the backlog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from chalicelib.domain import messages
from chalicelib.domain.tickets import WITH_AGENCY, InvalidTransitionError, Ticket, ticket_id_for
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.ports import Inbox, IncomingMessage, RateLimitedError, TicketNotFoundError

CAUGHT_UP = "caught up"
PAGE_LIMIT = "page limit reached"
TIME_LIMIT = "time budget spent"
RATE_LIMITED = "rate limited"


@dataclass(frozen=True)
class PollBudget:
    """How much one poll may do: `max_pages` searches, and stop `margin` seconds before the function's
    timeout (`seconds_left`, from the Lambda context) so that the last page is ingested and saved."""

    max_pages: int
    seconds_left: Callable[[], float] = lambda: float("inf")
    margin: float = 10.0

_STATUS_COMMAND = re.compile(r"^\s*STATUS\s+([A-Za-z][A-Za-z0-9]{1,40})\s*$", re.IGNORECASE)


@dataclass
class IntakeReport:
    fetched: int = 0
    pages: int = 0
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Kemala's own posts and agencies' posts: not complaints
    answers: list[str] = field(default_factory=list)  # tickets answered by an agency's own reply
    stopped: str = CAUGHT_UP  # why paging stopped: CAUGHT_UP, PAGE_LIMIT, TIME_LIMIT or RATE_LIMITED
    checkpoint: str | None = None
    oldest_fetched: datetime | None = None

    def saw(self, message: IncomingMessage) -> None:
        self.fetched += 1
        if message.created_at and (self.oldest_fetched is None or message.created_at < self.oldest_fetched):
            self.oldest_fetched = message.created_at

    @property
    def rate_limited(self) -> bool:
        return self.stopped == RATE_LIMITED

    def lag_seconds(self, now: datetime) -> float | None:
        """How far behind the channel intake is: 0 when caught up; while a backlog is being drained,
        the age of the oldest message this poll fetched (what is still waiting is older); None if unknown."""
        if self.stopped == CAUGHT_UP:
            return 0.0
        return None if self.oldest_fetched is None else max(0.0, (now - self.oldest_fetched).total_seconds())


@dataclass(frozen=True)
class _Stream:
    """One paged feed of a channel, its cursor stored under `<code>:<name>`."""

    code: str
    name: str
    receive: Callable[[str | None], Inbox]
    take: Callable[[IncomingMessage, IntakeReport], None]

    @property
    def key(self) -> str:
        return f"{self.code}:{self.name}"


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

    def poll(self, channel_code: str, budget: PollBudget) -> IntakeReport:
        """Continue draining what the channel has since its checkpoint and ingest each complaint."""
        channel = self._c.channels[channel_code]
        return self._drain(_Stream(channel_code, "inbox", channel.receive, self._take_complaint), budget)

    def poll_agency_replies(self, channel_code: str, budget: PollBudget) -> IntakeReport:
        """Agencies' replies from their own accounts in complaint threads: one search for all agencies.
        A reply by the agency holding the ticket is recorded as its answer and ends the wait."""
        handles = self._c.directory.x_handles()
        channel = self._c.channels[channel_code]
        return self._drain(_Stream(channel_code, "agency-replies",
                                   lambda cursor: channel.receive_agency_replies(handles, cursor),
                                   self._take_agency_reply), budget)

    def _drain(self, stream: "_Stream", budget: PollBudget) -> IntakeReport:
        report = IntakeReport(checkpoint=self._c.checkpoints.get(stream.key))
        paused_until = self._c.checkpoints.get(f"{stream.code}:paused-until")  # a rate-limit reset (epoch s)
        if paused_until and self._c.clock().timestamp() < float(paused_until):
            report.stopped = RATE_LIMITED
            return report
        while not self._spent(report, budget):
            try:
                inbox = stream.receive(report.checkpoint)
            except RateLimitedError as error:
                reset = error.reset_at or int(self._c.clock().timestamp()) + 60
                self._c.checkpoints.put(f"{stream.code}:paused-until", str(reset))
                report.stopped = RATE_LIMITED
                return report
            self._take_page(stream, inbox, report)
            if inbox.complete:
                report.stopped = CAUGHT_UP
                return report
        return report

    @staticmethod
    def _spent(report: IntakeReport, budget: PollBudget) -> bool:
        """Whether the poll must stop paging here (and why, in the report)."""
        if report.pages >= budget.max_pages:
            report.stopped = PAGE_LIMIT
        elif budget.seconds_left() < budget.margin:
            report.stopped = TIME_LIMIT
        else:
            return False
        return True

    def _take_page(self, stream: "_Stream", inbox: Inbox, report: IntakeReport) -> None:
        """Ingest the page, then save its cursor: a crash in between fetches the page again (deduplicated)."""
        report.pages += 1
        for message in inbox.messages:
            stream.take(message, report)
            report.saw(message)
        if inbox.cursor and inbox.cursor != report.checkpoint:
            self._c.checkpoints.put(stream.key, inbox.cursor)
            report.checkpoint = inbox.cursor

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
