"""Bounded replay: serve a file of tweets from the X emulator, run the whole pipeline, measure it.

Finishes once every served tweet's ticket is with its agency (notified or later) and its agency
notification has arrived in the observer queue, or, for a report linked to an incident another
report leads (the same complaint from several citizens), the lead's notification has (one alert
per incident). Latency is measured from the moment the emulator first served a tweet in a search
response to the moment SNS delivered its notification (a linked report: the later of the lead's
notification and the report's joining the incident).

The observation is linear in the number of tweets: each notification is read once from the queue,
and each ticket is read back a few times at most.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from chalicelib.domain.incidents import PREFIX as INCIDENT_PREFIX
from chalicelib.domain.tickets import Status, Ticket, ticket_id_for
from chalicelib.settings import get_settings
from local.inputs import load_tweets
from local.observe import TicketWatcher, drain_notifications
from local.x_emulator import Post, matches

_WAITING_OR_LATER = {Status.NOTIFIED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.RESOLVED, Status.CLOSED}


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 3)


def release_all(stack, tweets: list[dict]) -> list[Post]:
    """Puts the tweets on the emulator's timeline, in file order."""
    posts = []
    for tweet in tweets:
        created = datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00")) if tweet.get("created_at") else None
        posts.append(stack.x.release(tweet["text"], tweet.get("author"), created,
                                     is_retweet=bool(tweet.get("is_retweet")), source_id=str(tweet["id"])))
    return posts


def _alerted_at(ticket: Ticket, first_notice: dict[str, float]) -> float | None:
    """When the agency learned of this report: its own alert, or, for a report linked to an incident
    another report leads, the moment it joined the incident (the lead's alert stands for it)."""
    if ticket.ticket_id in first_notice:
        return first_notice[ticket.ticket_id]
    lead = ticket.incident.removeprefix(INCIDENT_PREFIX) if ticket.incident else None
    if lead in first_notice and ticket.notified_at:
        return max(first_notice[lead], ticket.notified_at.timestamp())
    return None


def replay(stack, tweets: list[dict], timeout: float, poll_every: float = 0.5) -> dict:
    posts = release_all(stack, tweets)
    released = {post.id: post.source_id for post in posts}
    served = [post.id for post in posts if matches(get_settings().x_query, post)]
    expected = {ticket_id_for("x", str(pid)): pid for pid in served}
    watcher, sqs = TicketWatcher(), stack.aws.session().client("sqs")
    notifications = []
    with_agency: dict[str, Ticket] = {}
    # A ticket is read when its alert arrives, and otherwise (a report linked to an incident has no alert
    # of its own) at 2, 4, 8, 16, 16... seconds after X served it: a few reads a ticket, however many.
    next_look: dict[str, tuple[float, float]] = {}
    unfetched = set(served)
    deadline = time.time() + timeout
    while time.time() < deadline:
        # As often as the loop turns only while X still has tweets to give: each poll is three searches
        # (complaints, follow-ups, agency replies) of the 450 X allows an app in 15 minutes.
        for pid in [pid for pid in unfetched if pid in stack.x.served_at]:
            unfetched.discard(pid)
            next_look[ticket_id_for("x", str(pid))] = (stack.x.served_at[pid] + 2, 2)
        if unfetched:
            stack.poll()
        fresh = [n for n in drain_notifications(sqs, stack.observer_queue_url)
                 if n.ticket_id in expected and n.kind == "new_ticket"]
        notifications += fresh
        now = time.time()
        due = {n.ticket_id for n in fresh} | {tid for tid, (when, _) in next_look.items() if when <= now}
        for ticket in watcher.get_many(due - with_agency.keys()):
            if ticket.status in _WAITING_OR_LATER:
                with_agency[ticket.ticket_id] = ticket
                next_look.pop(ticket.ticket_id, None)
            elif ticket.ticket_id in next_look:
                wait = min(2 * next_look[ticket.ticket_id][1], 16)
                next_look[ticket.ticket_id] = (now + wait, wait)
        if len(with_agency) == len(expected):
            break
        time.sleep(poll_every)
    tickets = {t.ticket_id: t for t in watcher.all() if t.ticket_id in expected}  # once: O(tickets)
    first_notice: dict[str, float] = {}
    for note in notifications:
        first_notice.setdefault(note.ticket_id, note.sent_at)
    alerted = {tid: _alerted_at(ticket, first_notice) for tid, ticket in tickets.items()}
    latencies = [at - stack.x.served_at[expected[tid]] for tid, at in alerted.items() if at is not None]
    executions = stack.execution_names()
    not_notified = sorted(released[pid] for tid, pid in expected.items() if alerted.get(tid) is None)
    summary = {
        "tweets": len(tweets),
        "skipped_by_query": sorted(released[pid] for pid in released if pid not in served),
        "tickets": len(tickets),
        "with_agency": len(with_agency),
        "executions": sum(1 for tid in expected if tid in executions),
        "notifications": len(notifications),
        "linked_reports": sum(1 for tid, t in tickets.items() if t.incident and tid not in first_notice),
        "duplicate_notifications": len(notifications) - len(first_notice),
        "not_notified": not_notified,
        "per_agency": dict(sorted(Counter(t.agency for t in tickets.values()).items())),
        "latency_p50_s": _percentile(latencies, 0.50),
        "latency_p95_s": _percentile(latencies, 0.95),
    }
    summary["ok"] = (not not_notified and summary["tickets"] == summary["with_agency"] == len(expected)
                     and summary["duplicate_notifications"] == 0 and summary["executions"] == len(expected))
    return summary


def replay_file(path: Path, timeout: float) -> dict:
    from local.stack import LocalStack

    started = time.time()
    tweets, rejected = load_tweets(path)
    for reason in rejected:
        print(f"skipped {reason}", flush=True)
    stack = LocalStack().start()
    try:
        summary = replay(stack, tweets, timeout)
    finally:
        stack.stop()
    summary["rejected_lines"] = len(rejected)
    summary["seconds"] = round(time.time() - started, 1)
    summary["ok"] = summary["ok"] and not rejected
    # The JSON summary must be the last line: the keys a reader looks for come first.
    order = ["tickets", "notifications", "per_agency", "latency_p50_s", "latency_p95_s"]
    return {**{k: summary[k] for k in order}, **{k: v for k, v in summary.items() if k not in order}}
