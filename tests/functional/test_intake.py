"""Intake with fakes: exactly one ticket and one workflow per message, and a checkpoint that never skips."""
from datetime import datetime, timezone

from chalicelib.services.ports import IncomingMessage, Inbox
from tests.fakes import Fakes

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)
STREAM = "x:inbox"


def inbox(*ids: int, cursor: str | None = None, complete: bool = True) -> Inbox:
    messages = [IncomingMessage("x", str(i), f"aduan {i} #KemalaJateng", "warga", NOW) for i in ids]
    return Inbox(messages, cursor or (str(ids[-1]) if ids else None), complete)


def test_each_new_tweet_becomes_one_ticket_and_one_workflow():
    app = Fakes()
    app.channel.inbox = inbox(11, 12)
    report = app.kemala.intake.poll("x")
    assert report.created == ["X11", "X12"]
    assert app.workflow.started == ["X11", "X12"]
    assert app.checkpoints.get(STREAM) == "12"


def test_a_tweet_seen_twice_is_not_doubled():
    app = Fakes()
    app.channel.inbox = inbox(11, 12)
    app.kemala.intake.poll("x")
    app.checkpoints.values.clear()
    report = app.kemala.intake.poll("x")
    assert report.created == [] and report.duplicates == ["X11", "X12"]
    assert sorted(app.tickets.rows) == ["X11", "X12"] and app.workflow.started == ["X11", "X12"]


def test_a_ticket_whose_workflow_start_was_lost_gets_it_on_the_next_poll():
    app = Fakes()
    app.channel.inbox = inbox(11)
    app.kemala.intake.poll("x")
    app.workflow.started.clear()  # as if the start had crashed after the ticket was written
    app.checkpoints.values.clear()
    app.kemala.intake.poll("x")
    assert app.workflow.started == ["X11"]


def test_incomplete_receive_keeps_the_checkpoint_so_nothing_is_skipped():
    app = Fakes()
    app.checkpoints.put(STREAM, "10")
    app.channel.inbox = inbox(15, cursor="20", complete=False)
    report = app.kemala.intake.poll("x")
    assert report.rate_limited and report.created == ["X15"]
    assert app.checkpoints.get(STREAM) == "10" and app.channel.cursors == ["10"]


def test_rate_limited_poll_creates_nothing_and_reports_it():
    app = Fakes()
    app.channel.rate_limited = True
    report = app.kemala.intake.poll("x")
    assert report.rate_limited and report.fetched == 0 and app.tickets.rows == {}


def test_kemalas_own_posts_and_agencies_posts_are_never_complaints():
    app = Fakes()
    own = IncomingMessage("x", "21", "Halo @sri, aduan Anda tercatat #KemalaJateng", "KemalaJateng", NOW)
    agency = IncomingMessage("x", "22", "Info layanan #KemalaJateng", "dinkesjateng", NOW)
    app.channel.inbox = Inbox([own, agency], "22", True)
    report = app.kemala.intake.poll("x")
    assert report.created == [] and report.skipped == ["X21", "X22"] and app.tickets.rows == {}
    assert app.checkpoints.get(STREAM) == "22"
