"""Intake: messages from a citizen channel become tickets and workflows.

Exactly once: the ticket id derives from the source message and is created with a conditional
write; the workflow execution is named after the ticket, so a retried start cannot double it.

Nothing lost in a flood: a channel hands out one page per `receive` with an opaque cursor that says
where paging stopped (X: the last fully drained id plus the drain in progress). Each poll continues
that drain for as many pages as its budget allows (pages, the function's remaining time, the
channel's rate limit), ingests every page and saves the cursor after it, so the next poll resumes
where this one stopped, however large the backlog.

Before a message becomes a ticket (`take`): a banned sender's message is dropped; a message in a
ticket's conversation (a reply by the reporter in the complaint's thread on X; an SMS from the
reporter's phone quoting the ticket number, or not quoting one while their last ticket is open or
recently resolved, unless it starts with BARU) joins that ticket as a follow-up (services/followups.py);
and past `author_hourly_limit` messages in an hour from one sender, the rest go to one triage item
for that sender and hour instead of becoming tickets.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from chalicelib.domain import messages
from chalicelib.domain.followups import quoted_ticket
from chalicelib.domain.senders import sender_of
from chalicelib.domain.tickets import FINISHED, FLOOD, WITH_AGENCY, InvalidTransitionError, Ticket, ticket_id_for
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.followups import ADDED, DUPLICATE, REOPENED, FollowUps
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
_NEW_COMPLAINT = re.compile(r"^\s*BARU\b", re.IGNORECASE)  # an SMS that starts another complaint
_BY_SENDER = {"sms"}  # channels where a sender's messages are one conversation (no threads)
CREATED, HELD, BANNED, SKIPPED = "created", "held", "banned", "skipped"


@dataclass
class IntakeReport:
    fetched: int = 0
    pages: int = 0
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Kemala's own posts and agencies' posts: not complaints
    answers: list[str] = field(default_factory=list)  # tickets answered by an agency's own reply
    follow_ups: list[str] = field(default_factory=list)  # tickets a citizen's message joined (or reopened)
    held: list[str] = field(default_factory=list)  # triage items that took a sender's messages past the limit
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

    def take(self, message: IncomingMessage, follow_ups_only: bool = False) -> str:
        """A citizen's message: dropped (BANNED), joined to its ticket (ADDED, REOPENED), held for the
        triage desk past the sender's hourly limit (HELD), or a ticket (CREATED, DUPLICATE); with
        `follow_ups_only`, a message outside any ticket's conversation is SKIPPED."""
        c = self._c
        sender = sender_of(message.channel, message.author)
        if self._banned(sender):
            return BANNED
        joins = self._conversation_of(message)
        if joins is None and follow_ups_only:
            return SKIPPED
        if sender and self._over_limit(message, sender):
            if self._exists(ticket_id_for(message.channel, message.source_id)):
                return DUPLICATE
            return self._hold(message, sender)
        if joins is not None:
            return FollowUps(c).take(joins, message)
        if not self.ingest(message):
            return DUPLICATE
        if sender and message.channel in _BY_SENDER:
            c.checkpoints.put(f"latest:{':'.join(sender)}", ticket_id_for(message.channel, message.source_id))
        return CREATED

    def _banned(self, sender: tuple[str, str] | None) -> bool:
        return bool(sender and self._c.bans and self._c.bans.is_banned(*sender))

    def _exists(self, ticket_id: str) -> Ticket | None:
        try:
            return self._c.tickets.get(ticket_id)
        except TicketNotFoundError:
            return None

    def _conversation_of(self, message: IncomingMessage) -> str | None:
        """The ticket whose conversation this message continues, by its reporter, if any."""
        if message.channel in _BY_SENDER:
            if self._exists(ticket_id_for(message.channel, message.source_id)) or _NEW_COMPLAINT.match(message.text):
                return None  # a message redelivered after it became a ticket; or a new complaint
            sender = sender_of(message.channel, message.author)
            wanted = quoted_ticket(message.text) or (sender and self._c.checkpoints.get(f"latest:{':'.join(sender)}"))
            ticket = self._exists(wanted) if wanted else None
            now = self._c.clock()
            recent = ticket is not None and (ticket.status not in FINISHED or ticket.may_reopen(now))
        else:
            ticket = self._exists(ticket_id_for(message.channel, message.conversation_id)) \
                if message.conversation_id else None
            recent = ticket is not None
        if not recent or sender_of(ticket.channel, ticket.author) != sender_of(message.channel, message.author):
            return None
        return ticket.ticket_id

    def _over_limit(self, message: IncomingMessage, sender: tuple[str, str]) -> bool:
        hour = (message.created_at or self._c.clock()).replace(minute=0, second=0, microsecond=0)
        counted = self._c.checkpoints.count_once(f"rate:{':'.join(sender)}:{hour:%Y%m%d%H}",
                                                 f"{message.channel}:{message.source_id}", hour + timedelta(hours=2))
        return counted > self._c.author_hourly_limit

    def _hold(self, message: IncomingMessage, sender: tuple[str, str]) -> str:
        """The sender's one triage item for this hour (made by the first message past the limit), with the
        message recorded on it: the triage desk closes it, or bans the sender, in one action."""
        c = self._c
        at = message.created_at or c.clock()
        digest = hashlib.sha256(f"{':'.join(sender)}|{at:%Y%m%d%H}".encode("utf-8")).digest()
        source = "F" + base64.b32encode(digest).decode("ascii")[:12]
        item = Ticket(ticket_id_for(message.channel, source), message.channel, source,
                      messages.flood_item(c.author_hourly_limit), at, author=message.author, hold=FLOOD)
        c.tickets.add(item)
        c.workflow.start(item.ticket_id)  # also when the item existed: a crash in between must not lose it
        FollowUps(c).take(item.ticket_id, message, may_reopen=False)
        return HELD

    def take_pushed(self, message: IncomingMessage) -> str:
        """A message a channel pushed to Kemala (an SMS): `STATUS <ticket>` is answered at once in the
        same channel (never to a banned sender), anything else goes through `take`. Returns what was
        done: `status`, or what `take` returned."""
        command = _STATUS_COMMAND.match(message.text)
        if command is None:
            return self.take(message)
        if self._banned(sender_of(message.channel, message.author)):
            return BANNED
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

    def poll_follow_ups(self, channel_code: str, budget: PollBudget) -> IntakeReport:
        """Citizens' replies to Kemala's posts (which carry no hashtag): each joins its complaint's ticket
        when its author is the reporter; replies outside a complaint's thread are left alone."""
        channel = self._c.channels[channel_code]
        return self._drain(_Stream(channel_code, "follow-ups", channel.receive_follow_ups,
                                   lambda message, report: self._take_complaint(message, report, True)), budget)

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

    def _take_complaint(self, message: IncomingMessage, report: IntakeReport, follow_ups_only: bool = False) -> None:
        ticket_id = ticket_id_for(message.channel, message.source_id)
        outcome = SKIPPED if self._not_a_complaint(message) else self.take(message, follow_ups_only)
        lists = {CREATED: report.created, DUPLICATE: report.duplicates, HELD: report.held}
        lists.get(outcome, report.follow_ups if outcome in (ADDED, REOPENED) else report.skipped).append(ticket_id)

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
