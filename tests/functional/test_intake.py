"""Intake with fakes: exactly one ticket and one workflow per tweet, and a checkpoint that never skips."""
from datetime import datetime, timezone

from chalicelib.adapters.x_api import IncomingTweet, SearchResult
from chalicelib.services import intake
from tests.fakes import FakeSearch, FakeWorkflow, InMemoryCheckpoints, InMemoryTickets

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)
QUERY = "#KemalaJateng -is:retweet"


def tweets(*ids: int) -> list[IncomingTweet]:
    return [IncomingTweet(str(i), f"aduan {i} #KemalaJateng", "warga", NOW) for i in ids]


def run_poll(search, checkpoints, repo, workflow):
    return intake.poll_x(search, checkpoints, repo, workflow, QUERY, max_pages=5, now=NOW)


def test_each_new_tweet_becomes_one_ticket_and_one_workflow():
    repo, workflow, checkpoints = InMemoryTickets(), FakeWorkflow(), InMemoryCheckpoints()
    report = run_poll(FakeSearch(SearchResult(tweets(11, 12), "12", True)), checkpoints, repo, workflow)
    assert report.created == ["X11", "X12"]
    assert workflow.started == ["X11", "X12"]
    assert checkpoints.get(f"x:{QUERY}") == "12"


def test_a_tweet_seen_twice_is_not_doubled():
    repo, workflow, checkpoints = InMemoryTickets(), FakeWorkflow(), InMemoryCheckpoints()
    search = FakeSearch(SearchResult(tweets(11, 12), "12", True))
    run_poll(search, checkpoints, repo, workflow)
    report = run_poll(search, checkpoints, repo, workflow)
    assert report.created == [] and report.duplicates == ["X11", "X12"]
    assert sorted(repo.rows) == ["X11", "X12"] and workflow.started == ["X11", "X12"]


def test_a_ticket_whose_workflow_start_was_lost_gets_it_on_the_next_poll():
    repo, workflow, checkpoints = InMemoryTickets(), FakeWorkflow(), InMemoryCheckpoints()
    intake.ingest_tweet(tweets(11)[0], repo, FakeWorkflow(), NOW)  # crashed before the real start
    run_poll(FakeSearch(SearchResult(tweets(11), "11", True)), checkpoints, repo, workflow)
    assert workflow.started == ["X11"]


def test_incomplete_search_keeps_the_checkpoint_so_nothing_is_skipped():
    repo, workflow, checkpoints = InMemoryTickets(), FakeWorkflow(), InMemoryCheckpoints()
    checkpoints.put(f"x:{QUERY}", "10")
    report = run_poll(FakeSearch(SearchResult(tweets(15), "20", complete=False)), checkpoints, repo, workflow)
    assert report.rate_limited and report.created == ["X15"]
    assert checkpoints.get(f"x:{QUERY}") == "10"


def test_rate_limited_poll_creates_nothing_and_reports_it():
    search = FakeSearch()
    search.rate_limited = True
    report = run_poll(search, InMemoryCheckpoints(), InMemoryTickets(), FakeWorkflow())
    assert report.rate_limited and report.fetched == 0
