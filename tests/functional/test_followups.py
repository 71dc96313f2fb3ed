"""Follow-ups, reopening and abuse with fakes: a reporter's message in the complaint's conversation joins
the ticket once and alerts its agency once; "belum selesai" within 7 days of the resolution reopens it
with a fresh resolution deadline and a reopen execution; a sender past the hourly limit fills one triage
item; a banned sender is neither ticketed nor answered; deleted posts are redacted; the triage desk
closes in bulk."""
from datetime import timedelta

import pytest

from chalicelib.domain.access import User
from chalicelib.domain.tickets import FLOOD, REDACTED, Status, Ticket
from chalicelib.services.intake import BANNED, HELD
from chalicelib.services.ports import Ban, IncomingMessage
from tests.fakes import Fakes
from tests.functional.test_pipeline import route_and_notify

TEXT = "Jalan berlubang besar di Jl. Kaligawe Genuk Semarang, motor sering jatuh, tolong diperbaiki"


def tweet(app: Fakes, tweet_id: str, text: str, author: str = "sri", reply_to: str | None = None) -> IncomingMessage:
    return IncomingMessage("x", tweet_id, text, author, app.now, conversation_id=reply_to)


def sms(app: Fakes, sms_id: str, text: str, phone: str = "+6281234500001") -> IncomingMessage:
    return IncomingMessage("sms", sms_id, text, phone, app.now)


def resolved(app: Fakes, message: IncomingMessage) -> Ticket:
    """The message's ticket, routed, notified and resolved by its agency."""
    assert app.kemala.intake.take(message) == "created"
    ticket_id = f"{message.channel.upper()}{message.source_id}"
    route_and_notify(app, ticket_id)
    agency = app.tickets.get(ticket_id).agency
    app.kemala.agencies.resolve(ticket_id, agency, "Sudah ditambal")
    resolution = app.tickets.rows[ticket_id].deliveries["resolution"]
    resolution.sent = True  # the workflow told the citizen
    return app.tickets.get(ticket_id)


def test_a_reporters_reply_joins_the_ticket_once_and_alerts_its_agency_once():
    app = Fakes()
    app.kemala.intake.take(tweet(app, "1", TEXT))
    route_and_notify(app, "X1")
    reply = tweet(app, "2", "Tambahan: lubangnya makin lebar, dekat halte", reply_to="1")
    assert app.kemala.intake.take(reply) == "follow_up"
    assert app.kemala.intake.take(reply) == "duplicate"  # fetched again by the next poll
    ticket = app.tickets.get("X1")
    assert [f.text for f in ticket.follow_ups] == [reply.text] and ticket.follow_ups[0].alerted
    assert app.notifier.kinds("X1").count("follow_up") == 1 and "X2" not in app.tickets.rows
    assert "makin lebar" in app.notifier.emails[-1].body and ticket.status is Status.NOTIFIED


def test_someone_elses_reply_in_the_thread_is_not_the_reporters_follow_up():
    app = Fakes()
    app.kemala.intake.take(tweet(app, "1", TEXT))
    assert app.kemala.intake.take(tweet(app, "2", "Di sini juga rusak #KemalaJateng", "budi", "1")) == "created"
    assert app.kemala.intake.take(tweet(app, "3", "setuju", "budi", "1"), follow_ups_only=True) == "skipped"


def test_not_fixed_within_seven_days_reopens_with_a_fresh_resolution_deadline():
    app = Fakes()
    first = resolved(app, tweet(app, "1", TEXT))
    app.now += timedelta(days=2)
    assert app.kemala.intake.take(tweet(app, "2", "Belum diperbaiki, masih rusak", reply_to="1")) == "reopened"
    ticket = app.tickets.get("X1")
    assert ticket.status is Status.REOPENED and ticket.agency == first.agency and ticket.resolved_at is None
    assert ticket.deadlines.resolution_due > first.deadlines.resolution_due
    assert "X1-R1" in app.workflow.started and app.notifier.kinds("X1").count("reopened") == 1
    assert "resolution-1" in ticket.deliveries  # the first resolution message stays on record
    app.kemala.agencies.resolve("X1", ticket.agency, "Sudah dicor ulang")
    assert app.tickets.get("X1").status is Status.RESOLVED
    assert app.tickets.get("X1").deliveries["resolution"].waiting


def test_after_seven_days_or_without_a_complaint_word_it_stays_resolved():
    app = Fakes()
    resolved(app, tweet(app, "1", TEXT))
    assert app.kemala.intake.take(tweet(app, "2", "Terima kasih, sudah bagus", reply_to="1")) == "follow_up"
    app.now += timedelta(days=8)
    assert app.kemala.intake.take(tweet(app, "3", "Masih rusak lagi", reply_to="1")) == "follow_up"
    assert app.tickets.get("X1").status is Status.RESOLVED and not app.workflow.started[1:]


def test_an_sms_from_the_same_phone_joins_its_open_ticket_unless_it_starts_a_new_one():
    app = Fakes()
    app.kemala.intake.take_pushed(sms(app, "AAAAAAAAAAAA", TEXT))
    assert app.kemala.intake.take_pushed(sms(app, "BBBBBBBBBBBB", "Lubangnya sekarang tergenang air")) == "follow_up"
    assert app.kemala.intake.take_pushed(sms(app, "CCCCCCCCCCCC", "BARU lampu PJU di Jl. Pemuda Semarang mati")) == "created"
    assert app.kemala.intake.take_pushed(sms(app, "DDDDDDDDDDDD", "SMSAAAAAAAAAAAA tolong dicek lagi")) == "follow_up"
    assert app.kemala.intake.take_pushed(sms(app, "EEEEEEEEEEEE", "Info lagi", "+6289900000000")) == "created"
    assert app.kemala.intake.take_pushed(sms(app, "AAAAAAAAAAAA", TEXT)) == "duplicate"  # redelivered by SNS
    assert [f.source for f in app.tickets.get("SMSAAAAAAAAAAAA").follow_ups] == ["sms:BBBBBBBBBBBB", "sms:DDDDDDDDDDDD"]


def test_a_flood_from_one_sender_becomes_one_triage_item():
    app = Fakes(author_hourly_limit=3)
    outcomes = [app.kemala.intake.take(tweet(app, str(n), f"Spam nomor {n} jalan rusak #KemalaJateng", "bot"))
                for n in range(1, 11)]
    assert outcomes.count("created") == 3 and outcomes.count(HELD) == 7
    items = [t for t in app.tickets.rows.values() if t.hold == FLOOD]
    assert len(items) == 1 and len(items[0].follow_ups) == 7 and len(app.tickets.rows) == 4
    item = items[0].ticket_id
    route_and_notify(app, item)
    assert app.tickets.get(item).agency == "TRIAGE" and "ticket" not in app.tickets.get(item).deliveries
    assert not [kind for kind in app.notifier.kinds(item) if kind == "follow_up"]  # collected silently
    again = [app.kemala.intake.take(tweet(app, n, f"Spam nomor {n} jalan rusak #KemalaJateng", "bot")) for n in "24"]
    assert again == ["duplicate", HELD] and len(app.tickets.get(item).follow_ups) == 7  # fetched again: no change


def test_a_banned_sender_is_neither_ticketed_nor_answered():
    app = Fakes()
    app.kemala.intake.take_pushed(sms(app, "A", TEXT))
    route_and_notify(app, "SMSA")
    app.bans.ban(Ban("phone", "+6281234500001", "spam", "admin", app.now))
    assert app.kemala.intake.take_pushed(sms(app, "B", "BARU spam lagi")) == BANNED
    assert app.kemala.intake.take_pushed(sms(app, "C", "STATUS SMSA")) == BANNED
    app.kemala.steps.tell_citizen("SMSA", "ticket")
    assert app.channel.posts == [] and app.channel.direct == []
    assert app.tickets.get("SMSA").deliveries["ticket"].failed == "withheld: sender banned"


def test_admins_manage_the_ban_list_and_addresses_are_read_as_typed():
    app = Fakes()
    admin = User("admin", frozenset({"ADMIN"}))
    app.kemala.bans.ban(admin, "phone", "0812-3450-0001", "spam")
    app.kemala.bans.ban(admin, "x", "@SpamBot", "")
    assert {(b.kind, b.address) for b in app.kemala.bans.listed(admin)} == {("phone", "+6281234500001"), ("x", "spambot")}
    app.kemala.bans.unban(admin, "x", "spambot")
    assert [b.address for b in app.kemala.bans.listed(admin)] == ["+6281234500001"]


def test_deleted_posts_are_redacted_keeping_the_numbers():
    app = Fakes()
    first = resolved(app, tweet(app, "1", f"{TEXT}, hubungi 081234567890"))
    app.kemala.intake.take(tweet(app, "2", "Lampu PJU mati di Jl. Pemuda Semarang #KemalaJateng", "budi"))
    app.channel.gone = {"1"}
    redacted = app.kemala.deletions.sweep("x")
    ticket = app.tickets.get("X1")
    assert redacted == ["X1"] and ticket.text == REDACTED and ticket.author is None
    assert (ticket.agency, ticket.classification.region, ticket.received_at) == (
        first.agency, first.classification.region, first.received_at)
    assert app.tickets.get("X2").text.startswith("Lampu") and app.kemala.deletions.sweep("x") == []


def test_the_triage_desk_closes_what_it_ticked_in_one_action():
    app = Fakes(author_hourly_limit=1)
    for n in range(1, 4):
        app.kemala.intake.take(tweet(app, str(n), f"promo murah {n}", f"akun{n}"))
        route_and_notify(app, f"X{n}")
    triage = [t for t in app.tickets.rows if app.tickets.rows[t].agency == "TRIAGE"]
    desk = User("triase", frozenset({"TRIAGE"}))
    assert app.kemala.workspace.close_many(desk, triage + triage, "spam") == triage
    assert all(app.tickets.get(t).status is Status.CLOSED for t in triage)


@pytest.mark.parametrize("channel", ["web", "app"])
def test_a_status_page_comment_joins_and_may_reopen_a_web_ticket(channel):
    app = Fakes()
    resolved(app, IncomingMessage(channel, "FORM0001ABCD", TEXT, None, app.now))
    ticket_id = f"{channel.upper()}FORM0001ABCD"
    assert app.kemala.complaints.comment(ticket_id, "COMMENT1ABCD", "Belum selesai, masih rusak") == "reopened"
    assert app.kemala.complaints.comment(ticket_id, "COMMENT1ABCD", "Belum selesai, masih rusak") == "duplicate"
