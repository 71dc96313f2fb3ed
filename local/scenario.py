"""`make scenario FILE=path.jsonl`: complaints plus scripted agency behaviour through the embedded stack.

Each line is a complaint (`{"id", "text"}`) made on a channel: `"channel"` is `x` (default, a tweet by `author`
or `from`), `sms` (an SMS from the phone number in `from`, through the SMS emulator), `web` (the web form,
`from` an optional e-mail address or phone number) or `app` (the app API with its key, `from` likewise).
A line has an optional `"agency_does"`: a list of steps
`{"at_s": seconds after the ticket's first agency notification, "action": "acknowledge" | "answer" |
"resolve" | "reassign" | "x_reply", "text": "...", "to": "AGENCY", "reason": "..."}`. Each step is carried
out by whichever agency holds the ticket at that moment, the way a real agency would: through the signed
links of the API, or (`x_reply`) by posting from that agency's X account in the complaint's thread.

The run ends when every ticket is resolved or closed, or has reached the top of its escalation ladder, with
its scripted steps done and its messages to the citizen sent. The last line printed is one JSON object:
`{"tickets": {"<input id>": {"ticket", "channel", "incident", "agency", "status", "escalations": [levels in
order], "responded_late": whether the first response came after its deadline (or never), "citizen_posts":
[...]}}}`; `citizen_posts` are the texts the citizen got in their channel (Kemala's posts in the thread, SMS,
e-mail bodies); `incident` is the incident the report is linked to, or null. Agency
steps given on one report of an incident act on the whole incident (the same signed links do it).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import requests

from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.domain import links
from chalicelib.domain.directory import load_directory
from chalicelib.adapters.channels.sms import sms_source_id
from chalicelib.domain.privacy import contact
from chalicelib.domain.tickets import FINISHED, WITH_AGENCY, Status, Ticket, ticket_id_for
from chalicelib.services.ports import TicketNotFoundError
from chalicelib.settings import get_settings
from local.inputs import load_tweets

ACTIONS = {"acknowledge", "answer", "resolve", "reassign", "x_reply"}
CHANNELS = {"x", "sms", "web", "app"}
DEFAULT_PHONE = "+62812{:08d}"  # a line without `from` is a citizen of its own (one phone is one sender)
ROOT_SCENARIOS = Path(__file__).resolve().parent / "scenarios"
_TEXT_FIELD = {"answer": "text", "resolve": "note"}


@dataclass
class Script:
    """One scenario line on the stack: its complaint, its steps and what happened to them."""

    input_id: str
    channel: str
    ticket_id: str
    address: str  # where the citizen hears back: the tweet's id (x), a phone number or an e-mail address
    steps: list[dict]
    done: int = 0
    errors: list[str] = field(default_factory=list)


def _client_id(input_id: str) -> str:
    """A form's or app request's id for a scenario line: stable, 12 base32 characters."""
    return base64.b32encode(hashlib.sha256(input_id.encode()).digest()).decode()[:12]


def check_steps(tweet: dict) -> str | None:
    """Why a line's `agency_does` cannot be carried out, or None."""
    steps = tweet.get("agency_does", [])
    channel = tweet.get("channel", "x")
    if channel not in CHANNELS:
        return f"'channel' must be one of {sorted(CHANNELS)}"
    if channel != "x" and any(isinstance(s, dict) and s.get("action") == "x_reply" for s in steps or []):
        return "'x_reply' needs a complaint made on X"
    if not isinstance(steps, list):
        return "'agency_does' must be a list"
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or step.get("action") not in ACTIONS:
            return f"step {number}: 'action' must be one of {sorted(ACTIONS)}"
        if not isinstance(step.get("at_s", 0), (int, float)) or step.get("at_s", 0) < 0:
            return f"step {number}: 'at_s' must be a number of seconds >= 0"
        if step["action"] in ("answer", "resolve", "x_reply") and not str(step.get("text", "")).strip():
            return f"step {number}: '{step['action']}' needs a 'text'"
        if step["action"] == "reassign" and step.get("to") not in load_directory():
            return f"step {number}: 'reassign' needs a 'to' that is an agency code"
    return None


def _first_notified(ticket: Ticket) -> float | None:
    return next((h.at.timestamp() for h in ticket.history if h.status is Status.NOTIFIED), None)


def _responded_late(ticket: Ticket) -> bool:
    """Whether the first agency's first response (acknowledgement, answer or resolution) came after its deadline,
    or has not come."""
    responses = [at for at in (ticket.acknowledged_at, ticket.answered_at, ticket.resolved_at) if at]
    return not responses or ticket.deadlines is None or min(responses) > ticket.deadlines.response_due


def _finished(ticket: Ticket) -> bool:
    """Resolved or closed, or at the top of the ladder of the clock that is running; nothing left to tell."""
    if any(d.waiting for d in ticket.deliveries.values()):
        return False
    if ticket.status in FINISHED:
        return True
    clock = "resolution" if ticket.responded else "response"
    return 2 in ticket.escalation_levels(clock)


class Scenario:
    """Released tweets and their scripted agencies, acting on the stack as time passes."""

    def __init__(self, stack) -> None:
        self._stack = stack
        self._secret = stack.aws.session().client("secretsmanager").get_secret_value(
            SecretId=os.environ["LINK_SECRET"])["SecretString"]
        self._repo = DynamoTicketRepository()
        self.scripts: list[Script] = []

    def release(self, lines: list[dict]) -> None:
        for line in lines:
            channel = line.get("channel", "x")
            ticket_id, address = getattr(self, f"_release_{channel}")(line)
            steps = sorted(line.get("agency_does", []), key=lambda step: step.get("at_s", 0))
            self.scripts.append(Script(str(line["id"]), channel, ticket_id, address, steps))

    def _release_x(self, line: dict) -> tuple[str, str]:
        post = self._stack.x.release(line["text"], line.get("author") or line.get("from"),
                                     source_id=str(line["id"]))
        return ticket_id_for("x", str(post.id)), str(post.id)

    def _release_sms(self, line: dict) -> tuple[str, str]:
        phone = line.get("from") or DEFAULT_PHONE.format(zlib.crc32(str(line["id"]).encode()) % 10**8)
        return ticket_id_for("sms", sms_source_id(self._stack.sms.send(phone, line["text"]))), phone

    def _release_web(self, line: dict) -> tuple[str, str]:
        form = {"form_id": _client_id(str(line["id"])), "text": line["text"], "contact": line.get("from", "")}
        response = requests.post(f"{self._stack.api_url}/lapor", data=form, files={"photo": ("", b"")}, timeout=30)
        if response.status_code != 201:
            raise ValueError(f"web form refused line {line['id']}: {response.status_code}")
        return ticket_id_for("web", form["form_id"]), contact(line.get("from", "")) or ""

    def _release_app(self, line: dict) -> tuple[str, str]:
        secret = self._stack.aws.session().client("secretsmanager").get_secret_value(SecretId=os.environ["APP_KEY_SECRET"])
        key = next(iter(json.loads(secret["SecretString"]).values()))
        body = {"request_id": _client_id(str(line["id"])), "text": line["text"], "contact": line.get("from", "")}
        response = requests.post(f"{self._stack.api_url}/app/v1/complaints", json=body, headers={"X-Api-Key": key},
                                 timeout=30)
        if response.status_code not in (200, 201):
            raise ValueError(f"app API refused line {line['id']}: {response.status_code} {response.text[:200]}")
        return response.json()["ticket_id"], contact(line.get("from", "")) or ""

    def citizen_posts(self, script: Script) -> list[str]:
        """What the citizen got in their channel: posts in the thread, SMS, e-mail bodies."""
        if script.channel == "x":
            return [p.text for p in self._stack.x.replies if p.conversation_id == int(script.address)]
        if "@" in script.address:
            return [body for _, body in self._stack.mailbox(script.address)]
        return self._stack.sms.inbox(script.address) if script.address else []

    def tickets(self) -> dict[str, Ticket]:
        """The scripted tickets as they stand (read one by one: a scan would read every other test's tickets too)."""
        found = {}
        for script in self.scripts:
            try:
                found[script.ticket_id] = self._repo.get(script.ticket_id)
            except TicketNotFoundError:
                continue  # not taken in yet
        return found

    def act(self, tickets: dict[str, Ticket]) -> None:
        """Carry out every step that is due, as the agency holding the ticket at that moment, once that
        agency has been told (after a reassignment, not before the new agency's alert)."""
        for script in self.scripts:
            if script.ticket_id not in tickets or script.done == len(script.steps):
                continue
            ticket = tickets[script.ticket_id]
            started = _first_notified(ticket)
            while started and ticket.status in WITH_AGENCY and script.done < len(script.steps) and \
                    time.time() >= started + script.steps[script.done].get("at_s", 0):
                self._perform(script, ticket, script.steps[script.done])
                script.done += 1
                ticket = self._repo.get(script.ticket_id)

    def finished(self, tickets: dict[str, Ticket]) -> bool:
        return all(script.ticket_id in tickets and script.done == len(script.steps)
                   and _finished(tickets[script.ticket_id]) for script in self.scripts)

    def _perform(self, script: Script, ticket: Ticket, step: dict) -> None:
        agency = ticket.agency
        if step["action"] == "x_reply":
            handles = load_directory()[agency].x_handles
            if not handles:
                script.errors.append(f"{agency} has no X account for an x_reply")
                return
            self._stack.x.release(step["text"], handles[0], in_reply_to=int(script.address))
            return
        link = links.SignedLink.issue(script.ticket_id, step["action"], agency, datetime.now(timezone.utc),
                                      get_settings().link_lifetime)
        url = link.url(self._stack.api_url, self._secret)
        data = {"to": step.get("to"), "reason": step.get("reason", "")} if step["action"] == "reassign" else {}
        if step["action"] in _TEXT_FIELD:
            data[_TEXT_FIELD[step["action"]]] = step["text"]
        response = requests.post(url, data=data, timeout=30)
        if response.status_code != 200:
            script.errors.append(f"{step['action']} by {agency}: HTTP {response.status_code} {response.text[:200]}")

    def summary(self, tickets: dict[str, Ticket]) -> dict:
        result = {}
        for script in self.scripts:
            ticket = tickets.get(script.ticket_id)
            result[script.input_id] = {
                "ticket": script.ticket_id,
                "channel": script.channel,
                "incident": ticket.incident if ticket else None,
                "agency": ticket.agency if ticket else None,
                "status": ticket.status.value if ticket else "NOT_RECEIVED",
                "escalations": [e.level for e in ticket.escalations] if ticket else [],
                "responded_late": _responded_late(ticket) if ticket else None,
                "citizen_posts": self.citizen_posts(script),
            }
            left = len(script.steps) - script.done
            if script.errors or left:
                result[script.input_id]["errors"] = script.errors + ([f"{left} steps not carried out"] if left else [])
        return {"tickets": result}


def run(stack, tweets: list[dict], timeout: float, poll_every: float = 0.5) -> dict:
    scenario = Scenario(stack)
    scenario.release(tweets)
    deadline = time.time() + timeout
    tickets: dict[str, Ticket] = {}
    while time.time() < deadline:
        stack.poll()
        scenario.act(scenario.tickets())
        tickets = scenario.tickets()  # after acting: judge what the agencies just did
        if scenario.finished(tickets):
            break
        time.sleep(poll_every)
    return scenario.summary(tickets)


def run_file(path: Path, sla: dict[str, int], timeout: float) -> tuple[dict, bool]:
    from local.stack import LocalStack

    tweets, rejected = load_tweets(path)
    usable = []
    for tweet in tweets:
        problem = check_steps(tweet)
        if problem:
            rejected.append(f"id {tweet['id']}: {problem}")
        else:
            usable.append(tweet)
    for reason in rejected:
        print(f"skipped {reason}", flush=True)
    stack = LocalStack(sla=sla).start()
    try:
        result = run(stack, usable, timeout)
    finally:
        stack.stop()
    ok = not rejected and all(t["status"] != "NOT_RECEIVED" and "errors" not in t for t in result["tickets"].values())
    return result, ok


def main_args(args) -> int:
    sla = {name: value for name, value in (("RESPONSE_SLA_SECONDS", args.response_sla),
                                           ("RESOLUTION_SLA_SECONDS", args.resolution_sla),
                                           ("LADDER_STEP_SECONDS", args.ladder_step)) if value is not None}
    result, ok = run_file(Path(args.file), sla, args.timeout)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1
