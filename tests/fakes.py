"""In-memory stand-ins for the adapters, for service-level tests without any emulator."""
from __future__ import annotations

import copy

from datetime import datetime, timezone

from chalicelib.adapters.photos import clean_photo
from chalicelib.domain import routing
from chalicelib.domain.access import User
from chalicelib.domain.directory import load_directory
from chalicelib.domain.messages import WIB
from chalicelib.domain.sla import SlaPolicy
from chalicelib.domain.tickets import FINISHED, Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.kemala import Kemala
from local.accounts import DEMO, PASSWORD
from chalicelib.services.ports import (
    AccountRefusedError, Ban, ConcurrentUpdateError, Inbox, InvalidTokenError, LoginFailedError, QueueItem,
    RateLimitedError, TicketNotFoundError, WorkflowResumeError,
)

OPEN311_KEY = "test-open311-key"
APP_KEY = "test-app-key"  # the one partner app's X-Api-Key (bootstrap.app_keys)


class InMemoryTickets:
    def __init__(self) -> None:
        self.rows: dict[str, Ticket] = {}

    def add(self, ticket: Ticket) -> bool:
        if ticket.ticket_id in self.rows:
            return False
        ticket.version = 1
        self.rows[ticket.ticket_id] = copy.deepcopy(ticket)
        return True

    def get(self, ticket_id: str) -> Ticket:
        if ticket_id not in self.rows:
            raise TicketNotFoundError(ticket_id)
        return copy.deepcopy(self.rows[ticket_id])

    def save(self, ticket: Ticket) -> None:
        if self.rows[ticket.ticket_id].version != ticket.version:
            raise ConcurrentUpdateError(ticket.ticket_id)
        ticket.version += 1
        self.rows[ticket.ticket_id] = copy.deepcopy(ticket)


class InMemoryCheckpoints:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.counters: dict[str, int] = {}
        self.sets: dict[str, set[str]] = {}

    def get(self, stream: str) -> str | None:
        return self.values.get(stream)

    def put(self, stream: str, cursor: str) -> None:
        self.values[stream] = cursor

    def take_number(self, counter: str) -> int:
        self.counters[counter] = self.counters.get(counter, -1) + 1
        return self.counters[counter]

    def count_once(self, counter: str, member: str, expires_at: datetime) -> int:
        members = self.sets.setdefault(counter, set())
        members.add(member)
        return len(members)


class FakeWorkflow:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.resumed: list[tuple[str, dict]] = []
        self.expired_tokens: set[str] = set()

    def start(self, ticket_id: str) -> bool:
        if ticket_id in self.started:
            return False
        self.started.append(ticket_id)
        return True

    def reopen(self, ticket_id: str, round_: int, view: dict) -> bool:
        return self.start(f"{ticket_id}-R{round_}")

    def resume(self, task_token: str, output: dict) -> None:
        if task_token in self.expired_tokens:
            raise WorkflowResumeError("TaskTimedOut")
        self.resumed.append((task_token, output))


class InMemoryReceipts:
    def __init__(self) -> None:
        self.receipts: set[tuple[str, str]] = set()

    def add(self, ticket_id: str, receipt: str) -> None:
        self.receipts.add((ticket_id, receipt))

    def confirmed(self, ticket_id: str, receipts: list[str]) -> set[str]:
        return {r for r in receipts if (ticket_id, r) in self.receipts}


class FakeNotifier:
    """Records alerts; AWS's receipts arrive at once unless `receipts_delayed` (they are then held)."""

    def __init__(self, receipts: InMemoryReceipts) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (topic, kind, ticket_id), one per e-mailed or published alert
        self.emails = []
        self.pages: list[tuple[str, str]] = []
        self.silent: set[str] = set()
        self.checked: list[str] = []
        self.parts_sent: list[tuple[str, str]] = []  # (part, alert key)
        self.receipts, self.receipts_delayed, self.held = receipts, False, []
        self.crash_after: str | None = None  # a part ("sns"/"ses") after whose send the next alert dies once

    def parts(self, topic: str) -> tuple[str, ...]:
        return ("sns",) if topic.endswith("-duty") else ("sns", "ses")

    def _sent(self, part: str, ticket_id: str, key: str) -> None:
        self.parts_sent.append((part, key))
        (self.held.append if self.receipts_delayed else lambda r: self.receipts.add(*r))((ticket_id, f"{part}:{key}"))
        if self.crash_after == part:
            self.crash_after = None
            raise RuntimeError("injected crash after a send")

    def alert(self, topic, email, kind, ticket_id, key, parts) -> None:
        self.sent.append((topic, kind, ticket_id))
        self.emails.append(email)
        for part in parts:
            self._sent(part, ticket_id, key)

    def page(self, topic, text, ticket_id, key) -> None:
        self.pages.append((topic, text))
        self._sent("sns", ticket_id, key)

    def deliver_held_receipts(self) -> None:
        for receipt in self.held:
            self.receipts.add(*receipt)
        self.held.clear()

    def unreachable(self, topics: list[str]) -> list[str]:
        self.checked = list(topics)
        return [f"{topic}: no confirmed subscriber" for topic in topics if topic in self.silent]

    def kinds(self, ticket_id: str) -> list[str]:
        return [kind for _, kind, tid in self.sent if tid == ticket_id]


class InMemoryIncidents:
    def __init__(self) -> None:
        self.places: dict[str, tuple[list, int]] = {}
        self.members: dict[str, set[str]] = {}
        self.conflicts = 0  # the next N save_open calls lose a race

    def open_incidents(self, place: str):
        incidents, version = self.places.get(place, ([], None))
        return list(incidents), version

    def save_open(self, place: str, incidents: list, version) -> None:
        if self.conflicts or self.places.get(place, ([], None))[1] != version:
            self.conflicts = max(0, self.conflicts - 1)
            raise ConcurrentUpdateError(place)
        self.places[place] = (list(incidents), (version or 0) + 1)

    def add_report(self, incident_id: str, ticket_id: str) -> None:
        self.members.setdefault(incident_id, set()).add(ticket_id)

    def remove_report(self, incident_id: str, ticket_id: str) -> None:
        self.members.get(incident_id, set()).discard(ticket_id)

    def reports(self, incident_id: str) -> set[str]:
        return set(self.members.get(incident_id, set()))


class RecordedTasks:
    """Asynchronous tasks, recorded; a test runs them when it wants (`Fakes.run_tasks`)."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, dict]] = []

    def run_later(self, task: str, payload: dict) -> None:
        self.queued.append((task, payload))


class InMemoryBans:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Ban] = {}

    def is_banned(self, kind: str, address: str) -> bool:
        return (kind, address) in self.rows

    def ban(self, ban: Ban) -> None:
        self.rows[(ban.kind, ban.address)] = ban

    def unban(self, kind: str, address: str) -> None:
        self.rows.pop((kind, address), None)

    def bans(self, kinds: tuple[str, ...]) -> list[Ban]:
        return [b for b in self.rows.values() if b.kind in kinds]


class InMemoryPhotos:
    """Citizens' photos, checked and cleaned as S3PhotoStore does before it stores them."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> str:
        self.stored[key] = clean_photo(data)
        return key

    def url(self, key: str) -> str:
        return f"https://photos.local/{key}"


class InMemoryCorrections:
    def __init__(self) -> None:
        self.items = []

    def add(self, correction) -> None:
        self.items.append(correction)


class FakeChannel:
    """A citizen channel: serves prepared pages (`pages` in order, then `inbox` on every call) or a 429,
    records what it sent, and can fail (`failures`: errors to raise on the next sends; `lost`: sends that
    go out but report an error)."""

    code = "x"
    pacing = (100, 900)

    def __init__(self, inbox: Inbox | None = None) -> None:
        self.inbox = inbox
        self.pages: list[Inbox] = []
        self.reset_at: int | None = None
        self.agency_inbox = Inbox([], None, True)
        self.rate_limited = False
        self.cursors: list[str | None] = []
        self.posts: list[tuple[str, str, str]] = []  # (post id, in reply to, text)
        self.failures: list[Exception] = []
        self.lost = 0
        self.direct: list[tuple[str, str]] = []  # (address, text) sent outside any ticket
        self.gone: set[str] = set()  # posts their authors deleted

    def receive(self, cursor: str | None) -> Inbox:
        self.cursors.append(cursor)
        if self.rate_limited:
            raise RateLimitedError(self.reset_at)
        return self.pages.pop(0) if self.pages else self.inbox

    def receive_agency_replies(self, handles: list[str], cursor: str | None) -> Inbox:
        return self.agency_inbox

    def missing(self, source_ids: list[str]) -> set[str]:
        return self.gone & set(source_ids)

    def render(self, text: str) -> list[str]:
        return [text[i:i + 280] for i in range(0, len(text), 280)]

    def send(self, ticket: Ticket, part: str, after: str | None) -> str:
        if self.failures:
            raise self.failures.pop(0)
        post_id = f"p{len(self.posts) + 1}"
        self.posts.append((post_id, after or ticket.source_id, part))
        if self.lost:
            self.lost -= 1
            raise TimeoutError("sent, but the answer was lost")
        return post_id

    def send_to(self, address: str, text: str) -> str:
        self.direct.append((address, text))
        return f"d{len(self.direct)}"

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        return next((pid for pid, _, text in self.posts if text == part), None)

    def texts(self) -> list[str]:
        return [text for _, _, text in self.posts]


class InMemoryTicketQueries:
    """The workspace's index reads over the in-memory tickets (what the queue and month indexes hold)."""

    def __init__(self, tickets: InMemoryTickets) -> None:
        self._tickets = tickets

    def _all(self) -> list[Ticket]:
        return [self._tickets.get(ticket_id) for ticket_id in list(self._tickets.rows)]

    def open_for(self, agency: str) -> list[QueueItem]:
        items = [QueueItem(t.ticket_id, agency, t.status.value,
                           t.deadlines.resolution_due if t.responded else t.deadlines.response_due, t.received_at,
                           t.channel, t.classification.urgency if t.classification else "NORMAL",
                           t.classification.region if t.classification else None, t.text)
                 for t in self._all() if t.agency == agency and t.deadlines and t.status not in FINISHED]
        return sorted(items, key=lambda item: item.due)

    def received_in(self, month: str) -> list[Ticket]:
        return [t for t in self._all() if f"{t.received_at.astimezone(WIB):%Y-%m}" == month]


class FakeIdentity:
    """A user pool whose session tokens are `token:<username>`; anything else does not verify."""

    def __init__(self, groups: dict[str, str], password: str) -> None:
        self.groups, self.password = dict(groups), password

    def login(self, username: str, password: str) -> str:
        if self.groups.get(username) is None or password != self.password:
            raise LoginFailedError(username)
        return f"token:{username}"

    def verify(self, token: str) -> User:
        username = token.removeprefix("token:")
        if not token.startswith("token:") or username not in self.groups:
            raise InvalidTokenError("not a session of this pool")
        return User(username, frozenset({self.groups[username]}))

    def usernames(self) -> list[str]:
        return sorted(self.groups)

    def create_user(self, username: str, password: str, group: str) -> None:
        """Refuses as Cognito does: a name taken, empty or too long, a password under 12 characters."""
        if username in self.groups or not 0 < len(username) <= 128 or len(password) < 12:
            raise AccountRefusedError(username)
        self.groups[username] = group


class Fakes:
    """A `Kemala` wired to in-memory fakes, and the fakes themselves for assertions."""

    def __init__(self, now: datetime = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc), classify=routing.classify,
                 sla: SlaPolicy = SlaPolicy(), author_hourly_limit: int = 10) -> None:
        self.now = now
        self.tickets, self.checkpoints, self.corrections = InMemoryTickets(), InMemoryCheckpoints(), InMemoryCorrections()
        self.receipts = InMemoryReceipts()
        self.workflow, self.notifier, self.channel = FakeWorkflow(), FakeNotifier(self.receipts), FakeChannel()
        self.identity = FakeIdentity(DEMO, PASSWORD)
        self.incidents, self.tasks, self.bans = InMemoryIncidents(), RecordedTasks(), InMemoryBans()
        self.photos = InMemoryPhotos()
        self.kemala = Kemala(Collaborators(
            tickets=self.tickets, checkpoints=self.checkpoints, corrections=self.corrections, workflow=self.workflow,
            notifier=self.notifier, channels={"x": self.channel, "sms": self.channel, "web": self.channel, "app": self.channel}, directory=load_directory(), classify=classify,
            links=lambda ticket, action: f"https://kemala.local/tickets/{ticket.ticket_id}/{action}?sig=x",
            clock=lambda: self.now, receipts=self.receipts, sla=sla, own_accounts=frozenset({"kemalajateng"}),
            queries=InMemoryTicketQueries(self.tickets), identity=self.identity, open311_key=lambda: OPEN311_KEY,
            incidents=self.incidents, tasks=self.tasks, bans=self.bans, photos=self.photos,
            author_hourly_limit=author_hourly_limit,
        ))

    def run_tasks(self) -> None:
        """Run the queued asynchronous tasks (act_on_incident) as their Lambda would."""
        while self.tasks.queued:
            _, payload = self.tasks.queued.pop(0)
            self.kemala.agencies.spread_over_incident(payload["ticket_id"], payload["action"], payload["agency"],
                                                      payload.get("text", ""))
