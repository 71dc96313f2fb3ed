"""Bounded replay: serve a file of tweets from the X emulator, run the whole pipeline, measure it.

Finishes once every served tweet's ticket is with its agency (notified or later) and its agency
notification has arrived in the observer queue. Latency is measured from the moment the emulator
first served a tweet in a search response to the moment SNS delivered its notification.

The observation is linear in the number of tweets: each notification is read once from the queue,
and only tickets notified but not yet seen with their agency are read back, each a few times at most.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from pathlib import Path

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


def replay(stack, tweets: list[dict], timeout: float, poll_every: float = 0.5) -> dict:
    posts = release_all(stack, tweets)
    released = {post.id: post.source_id for post in posts}
    served = [post.id for post in posts if matches(get_settings().x_query, post)]
    expected = {ticket_id_for("x", str(pid)): pid for pid in served}
    watcher, sqs = TicketWatcher(), stack.aws.session().client("sqs")
    notifications = []
    unconfirmed: set[str] = set()  # notification seen, ticket not yet seen with its agency
    with_agency: dict[str, Ticket] = {}
    deadline = time.time() + timeout
    while time.time() < deadline:
        stack.poll()
        fresh = [n for n in drain_notifications(sqs, stack.observer_queue_url)
                 if n.ticket_id in expected and n.kind == "new_ticket"]
        notifications += fresh
        unconfirmed |= {n.ticket_id for n in fresh} - with_agency.keys()
        for ticket in watcher.get_many(unconfirmed):
            if ticket.status in _WAITING_OR_LATER:
                with_agency[ticket.ticket_id] = ticket
                unconfirmed.discard(ticket.ticket_id)
        if len(with_agency) == len(expected):
            break
        time.sleep(poll_every)
    tickets = {t.ticket_id: t for t in watcher.all() if t.ticket_id in expected}  # once: O(tickets)
    first_notice: dict[str, float] = {}
    for note in notifications:
        first_notice.setdefault(note.ticket_id, note.sent_at)
    latencies = [first_notice[tid] - stack.x.served_at[pid] for tid, pid in expected.items() if tid in first_notice]
    executions = stack.execution_names()
    not_notified = sorted(released[pid] for tid, pid in expected.items() if tid not in first_notice)
    summary = {
        "tweets": len(tweets),
        "skipped_by_query": sorted(released[pid] for pid in released if pid not in served),
        "tickets": len(tickets),
        "with_agency": len(with_agency),
        "executions": sum(1 for tid in expected if tid in executions),
        "notifications": len(notifications),
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
