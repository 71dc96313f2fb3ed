"""Intake with fakes: exactly one ticket and one workflow per message, a cursor that never skips and
resumes a drain where the last poll stopped, and polls that stop within their page and time budgets."""
from datetime import datetime, timedelta, timezone

from chalicelib.services.intake import CAUGHT_UP, PAGE_LIMIT, RATE_LIMITED, TIME_LIMIT, PollBudget
from chalicelib.services.ports import IncomingMessage, Inbox
from tests.fakes import Fakes

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
STREAM = "x:inbox"
BUDGET = PollBudget(max_pages=3)


def inbox(*ids: int, cursor: str | None = None, complete: bool = True) -> Inbox:
    messages = [IncomingMessage("x", str(i), f"aduan {i} #KemalaJateng", "warga", NOW - timedelta(minutes=i))
                for i in ids]
    return Inbox(messages, cursor or (str(ids[-1]) if ids else None), complete)


def test_each_new_tweet_becomes_one_ticket_and_one_workflow():
    app = Fakes()
    app.channel.inbox = inbox(11, 12)
    report = app.kemala.intake.poll("x", BUDGET)
    assert report.created == ["X11", "X12"]
    assert app.workflow.started == ["X11", "X12"]
    assert app.checkpoints.get(STREAM) == "12"


def test_a_tweet_seen_twice_is_not_doubled():
    app = Fakes()
    app.channel.inbox = inbox(11, 12)
    app.kemala.intake.poll("x", BUDGET)
    app.checkpoints.values.clear()
    report = app.kemala.intake.poll("x", BUDGET)
    assert report.created == [] and report.duplicates == ["X11", "X12"]
    assert sorted(app.tickets.rows) == ["X11", "X12"] and app.workflow.started == ["X11", "X12"]


def test_a_ticket_whose_workflow_start_was_lost_gets_it_on_the_next_poll():
    app = Fakes()
    app.channel.inbox = inbox(11)
    app.kemala.intake.poll("x", BUDGET)
    app.workflow.started.clear()  # as if the start had crashed after the ticket was written
    app.checkpoints.values.clear()
    app.kemala.intake.poll("x", BUDGET)
    assert app.workflow.started == ["X11"]


def test_a_backlog_larger_than_one_poll_is_drained_across_polls_from_the_saved_cursor():
    app = Fakes()
    app.channel.pages = [inbox(9, 10, cursor="c1", complete=False), inbox(7, 8, cursor="c2", complete=False),
                         inbox(5, 6, cursor="c3", complete=False), inbox(3, 4, cursor="c4", complete=True)]
    first = app.kemala.intake.poll("x", BUDGET)
    assert first.stopped == PAGE_LIMIT and first.pages == 3 and app.checkpoints.get(STREAM) == "c3"
    assert first.lag_seconds(NOW) == 10 * 60  # the oldest fetched is 10 minutes old; what waits is older
    second = app.kemala.intake.poll("x", BUDGET)
    assert second.stopped == CAUGHT_UP and second.pages == 1 and second.lag_seconds(NOW) == 0
    assert app.channel.cursors == [None, "c1", "c2", "c3"]
    assert sorted(app.tickets.rows) == sorted(f"X{i}" for i in range(3, 11))
    assert len(app.workflow.started) == 8


def test_a_poll_stops_paging_before_the_function_times_out():
    app = Fakes()
    app.channel.pages = [inbox(5, 6, cursor="c1", complete=False), inbox(3, 4, cursor="c2", complete=False)]
    left = iter([60.0, 9.0])
    report = app.kemala.intake.poll("x", PollBudget(max_pages=10, seconds_left=lambda: next(left), margin=10))
    assert report.stopped == TIME_LIMIT and report.pages == 1 and app.checkpoints.get(STREAM) == "c1"


def test_a_rate_limit_mid_drain_keeps_the_pages_ingested_and_waits_for_the_reset():
    app = Fakes()
    app.channel.pages = [inbox(5, 6, cursor="c1", complete=False)]
    app.channel.inbox = inbox(3, 4, cursor="c2")
    app.kemala.intake.poll("x", PollBudget(max_pages=1))
    app.channel.rate_limited, app.channel.reset_at = True, int(NOW.timestamp()) + 300
    report = app.kemala.intake.poll("x", BUDGET)
    assert report.rate_limited and app.checkpoints.get(STREAM) == "c1" and sorted(app.tickets.rows) == ["X5", "X6"]
    app.channel.rate_limited = False
    calls = len(app.channel.cursors)
    assert app.kemala.intake.poll("x", BUDGET).stopped == RATE_LIMITED  # before the reset: not even asked
    assert len(app.channel.cursors) == calls
    app.now += timedelta(seconds=301)
    assert app.kemala.intake.poll("x", BUDGET).created == ["X3", "X4"]
    assert app.channel.cursors[-1] == "c1"


def test_rate_limited_poll_creates_nothing_and_reports_it():
    app = Fakes()
    app.channel.rate_limited = True
    report = app.kemala.intake.poll("x", BUDGET)
    assert report.rate_limited and report.fetched == 0 and app.tickets.rows == {}
    assert report.lag_seconds(NOW) is None


def test_kemalas_own_posts_and_agencies_posts_are_never_complaints():
    app = Fakes()
    own = IncomingMessage("x", "21", "Halo @sri, aduan Anda tercatat #KemalaJateng", "KemalaJateng", NOW)
    agency = IncomingMessage("x", "22", "Info layanan #KemalaJateng", "dinkesjateng", NOW)
    app.channel.inbox = Inbox([own, agency], "22", True)
    report = app.kemala.intake.poll("x", BUDGET)
    assert report.created == [] and report.skipped == ["X21", "X22"] and app.tickets.rows == {}
    assert app.checkpoints.get(STREAM) == "22"
