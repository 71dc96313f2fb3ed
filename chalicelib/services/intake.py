"""Intake: complaints from X (and later the other LaporGub! channels) become tickets and workflows.

Exactly once: the ticket id derives from the source message and is created with a conditional
write; the workflow execution is named after the ticket, so a retried start cannot double it.
The poll checkpoint only moves forward after every page since it has been fetched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.adapters.x_api import IncomingTweet, RateLimitedError, SearchResult
from chalicelib.domain.tickets import Ticket, ticket_id_for
from chalicelib.services.ports import CheckpointStore, TicketRepository, Workflow


class RecentSearch(Protocol):
    def search_recent(self, query: str, since_id: str | None, max_pages: int) -> SearchResult: ...


@dataclass
class IntakeReport:
    fetched: int = 0
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rate_limited: bool = False
    checkpoint: str | None = None


def ingest_tweet(tweet: IncomingTweet, repo: TicketRepository, workflow: Workflow, now: datetime) -> bool:
    """Make sure this tweet has its ticket and its workflow; True if the ticket is new."""
    ticket = Ticket(
        ticket_id=ticket_id_for("x", tweet.tweet_id), channel="x", source_id=tweet.tweet_id,
        text=tweet.text, author=tweet.author, received_at=tweet.created_at or now,
    )
    created = repo.add(ticket)
    # Started even when the ticket already existed: a crash between the two writes must not lose
    # the workflow, and a start under an existing execution name changes nothing.
    workflow.start(ticket.ticket_id)
    return created


def poll_x(
    x: RecentSearch, checkpoints: CheckpointStore, repo: TicketRepository, workflow: Workflow,
    query: str, max_pages: int, now: datetime,
) -> IntakeReport:
    stream = f"x:{query}"
    report = IntakeReport(checkpoint=checkpoints.get(stream))
    try:
        result = x.search_recent(query, report.checkpoint, max_pages)
    except RateLimitedError:
        report.rate_limited = True
        return report
    report.fetched = len(result.tweets)
    report.rate_limited = not result.complete
    for tweet in result.tweets:
        target = report.created if ingest_tweet(tweet, repo, workflow, now) else report.duplicates
        target.append(ticket_id_for("x", tweet.tweet_id))
    if result.complete and result.newest_id:
        checkpoints.put(stream, result.newest_id)
        report.checkpoint = result.newest_id
    return report
