"""The workflow steps and agency actions with fakes: each does its work once, however often
Step Functions retries it, and every message to the citizen goes out exactly once."""
from datetime import timedelta

import pytest

from chalicelib.domain.sla import SlaPolicy
from chalicelib.domain.tickets import Classification, InvalidTransitionError, Status, Ticket
from chalicelib.services.intake import PollBudget
from chalicelib.services.ports import IncomingMessage, Inbox, RateLimitedError
from tests.fakes import Fakes


def with_ticket(text: str = "Puskesmas di Kota Tegal tutup terus, obat habis #KemalaJateng", ticket_id: str = "X1",
                **options) -> Fakes:
    app = Fakes(**options)
    app.tickets.add(Ticket(ticket_id, "x", ticket_id[1:], text, app.now, author="sri"))
    return app


def route_and_notify(app: Fakes, ticket_id: str = "X1") -> dict:
    return app.kemala.steps.route_and_notify(ticket_id)


@pytest.fixture
def app() -> Fakes:
    return with_ticket()


def test_routes_notifies_and_sets_both_deadlines_from_the_agency_and_urgency(app):
    view = route_and_notify(app)
    ticket = app.tickets.get("X1")
    assert ticket.agency == "DINKES" and ticket.status is Status.NOTIFIED
    assert view["outcome"] == "WAITING" and view["message_key"] == "ticket"
    assert view["response_seconds"] == 12 * 3600 and view["resolution_seconds"] == 120 * 3600
    assert app.notifier.sent[0] == ("agency-dinkes", "new_ticket", "X1")
    assert "https://kemala.local/tickets/X1/answer?sig=x" in app.notifier.emails[0].body


def test_configured_drill_deadlines_shorten_the_waits():
    view = route_and_notify(with_ticket(sla=SlaPolicy(response_seconds=5, resolution_seconds=20, ladder_seconds=3)))
    assert (view["response_seconds"], view["resolution_seconds"], view["ladder_seconds"]) == (5, 20, 3)


def test_retried_steps_do_not_repeat_their_work(app):
    route_and_notify(app)
    route_and_notify(app)
    assert app.notifier.kinds("X1").count("new_ticket") == 1


def test_emergency_pages_the_duty_officer():
    app = with_ticket("Banjir masuk rumah di Kaliwungu Kendal, air naik terus, warga terjebak #KemalaJateng",
                      classify=lambda text: Classification("BPBD", "3324", "EMERGENCY", 0.95, []))
    view = route_and_notify(app)
    assert app.notifier.pages[0][0] == "agency-bpbd-duty" and "DARURAT" in app.notifier.pages[0][1]
    assert view["response_seconds"] == 3600


def test_citizen_gets_the_ticket_number_once_even_when_the_step_is_retried(app):
    route_and_notify(app)
    app.kemala.steps.tell_citizen("X1", "ticket")
    app.kemala.steps.tell_citizen("X1", "ticket")
    assert len(app.channel.posts) == 1 and "X1" in app.channel.posts[0][2] and app.channel.posts[0][1] == "1"


def test_a_send_that_fails_twice_then_succeeds_posts_once(app):
    route_and_notify(app)
    app.channel.failures = [ConnectionError("503"), ConnectionError("503")]
    for _ in range(2):
        with pytest.raises(ConnectionError):
            app.kemala.steps.tell_citizen("X1", "ticket")
    app.kemala.steps.tell_citizen("X1", "ticket")
    assert len(app.channel.posts) == 1 and app.tickets.get("X1").deliveries["ticket"].sent


def test_a_send_whose_outcome_was_lost_is_found_instead_of_posted_again(app):
    route_and_notify(app)
    app.channel.lost = 1
    with pytest.raises(TimeoutError):
        app.kemala.steps.tell_citizen("X1", "ticket")
    app.kemala.steps.tell_citizen("X1", "ticket")
    assert len(app.channel.posts) == 1 and app.tickets.get("X1").deliveries["ticket"].post_ids == ["p1"]


def test_rate_limited_messages_take_their_places_in_a_paced_queue():
    app = Fakes()
    reset = int(app.now.timestamp()) + 600
    places = []
    for number in range(1, 103):
        ticket_id = f"X{number}"
        app.tickets.add(Ticket(ticket_id, "x", str(number), "Jalan rusak di Kartasura #KemalaJateng", app.now))
        route_and_notify(app, ticket_id)
        app.channel.failures = [RateLimitedError(reset)]
        queued = app.kemala.steps.tell_citizen(ticket_id, "ticket")
        assert queued["outcome"] == "QUEUED" and queued["message_key"] == "ticket"  # the workflow waits, then retries
        places.append(queued["retry_at"])
    assert places == sorted(places) and len(set(places)) == len(places)
    assert places[100] >= places[0][:11]  # the 101st waits for the next window
    assert app.channel.posts == [] and app.tickets.get("X1").deliveries["ticket"].waiting


def test_triage_tickets_get_no_automatic_message():
    app = with_ticket("Selamat pagi semuanya #KemalaJateng", "X2",
                      classify=lambda text: Classification("DINKES", None, "NORMAL", 0.2, []))
    view = route_and_notify(app, "X2")
    assert app.tickets.get("X2").agency == "TRIAGE" and view["message_key"] is None
    app.kemala.steps.tell_citizen("X2", None)
    assert app.channel.posts == []


def test_acknowledgement_resumes_the_waiting_workflow_into_the_resolution_wait(app):
    route_and_notify(app)
    assert app.kemala.steps.await_agency("X1", "tok", "response") == {"waiting": True}
    app.kemala.agencies.acknowledge("X1", "DINKES")
    assert app.workflow.resumed[0][0] == "tok" and app.workflow.resumed[0][1]["outcome"] == "RESPONDED"
    assert app.kemala.steps.await_agency("X1", "tok2", "resolution") == {"waiting": True}


def test_an_answer_reaches_the_citizen_once_and_the_resolution_follows(app):
    route_and_notify(app)
    assert app.kemala.steps.tell_citizen("X1", "ticket")["message_key"] is None
    app.kemala.steps.await_agency("X1", "tok", "response")
    app.kemala.agencies.answer("X1", "DINKES", "Petugas kami datang besok pagi")
    outcome = app.workflow.resumed[-1][1]
    assert outcome["outcome"] == "ANSWERED" and outcome["message_key"] == "answer-1"
    app.kemala.steps.tell_citizen("X1", "answer-1")
    told = app.kemala.steps.tell_citizen("X1", "answer-1")
    assert told["outcome"] == "RESPONDED" and told["message_key"] is None  # the resolution wait comes next
    app.kemala.steps.await_agency("X1", "tok2", "resolution")
    app.kemala.agencies.resolve("X1", "DINKES", "Puskesmas buka kembali")
    resumed = app.workflow.resumed[-1][1]
    assert resumed["outcome"] == "RESOLVED" and resumed["message_key"] == "resolution"
    done = app.kemala.steps.tell_citizen("X1", "resolution")
    assert done["outcome"] == "RESOLVED" and done["message_key"] is None  # the workflow ends: Resolved
    texts = app.channel.texts()
    assert len(texts) == 3 and "Petugas kami datang besok pagi" in texts[1] and "selesai" in texts[2]


def test_the_next_message_for_the_citizen_is_the_oldest_waiting_one(app):
    """The ticket number, then each answer in turn, then the resolution, whatever order the workflow
    comes to them in (an agency may act while the ticket number waits behind X's rate limit)."""
    assert route_and_notify(app)["message_key"] == "ticket"
    app.kemala.agencies.answer("X1", "DINKES", "Petugas datang besok")
    app.kemala.agencies.resolve("X1", "DINKES", "Sudah beres")
    keys = []
    while (key := app.kemala.ticket("X1").next_message()) is not None:
        keys.append(key)
        app.kemala.steps.tell_citizen("X1", key)
    assert keys == ["ticket", "answer-1", "resolution"] and len(app.channel.texts()) == 3


def test_resolving_without_answering_posts_one_message(app):
    route_and_notify(app)
    app.kemala.agencies.resolve("X1", "DINKES", "Obat sudah dikirim")
    app.kemala.steps.tell_citizen("X1", "resolution")
    assert len(app.channel.posts) == 1 and "Obat sudah dikirim" in app.channel.posts[0][2]


def test_an_answer_before_the_wait_starts_ends_the_wait_at_once(app):
    route_and_notify(app)
    app.kemala.agencies.answer("X1", "DINKES", "Kami cek")
    assert app.kemala.steps.await_agency("X1", "tok", "response") == {"waiting": False, "outcome": "ANSWERED"}


def test_an_answer_racing_the_wait_ends_the_wait_instead_of_failing_the_step(app, monkeypatch):
    route_and_notify(app)
    read = app.tickets.get
    raced = []

    def read_then_agency_answers(ticket_id: str) -> Ticket:
        ticket = read(ticket_id)
        if not raced:  # between the step's read and its write, the agency answers
            raced.append(True)
            app.kemala.agencies.answer(ticket_id, "DINKES", "Kami cek")
        return ticket

    monkeypatch.setattr(app.tickets, "get", read_then_agency_answers)
    assert app.kemala.steps.await_agency("X1", "tok", "response") == {"waiting": False, "outcome": "ANSWERED"}
    assert app.tickets.rows["X1"].task_token is None


def test_wrong_agency_cannot_act(app):
    route_and_notify(app)
    with pytest.raises(InvalidTransitionError):
        app.kemala.agencies.acknowledge("X1", "DISHUB")
    with pytest.raises(InvalidTransitionError):
        app.kemala.agencies.answer("X1", "DISHUB", "bukan kami")


def test_the_ladder_reminds_the_agency_and_its_head_then_alerts_the_governor_once_each(app):
    route_and_notify(app)
    assert app.kemala.steps.escalate("X1", 1, "response")["outcome"] == "ESCALATED"
    assert app.kemala.steps.escalate("X1", 1, "response")["outcome"] == "ESCALATED"  # a retry sends nothing
    app.kemala.steps.escalate("X1", 2, "response")
    assert [(t, k) for t, k, _ in app.notifier.sent[2:]] == [
        ("agency-dinkes", "reminder_response"), ("agency-dinkes-head", "reminder_response"),
        ("escalations", "escalation_response")]
    assert app.tickets.get("X1").escalation_levels("response") == [1, 2]


def test_no_escalation_once_the_agency_responded(app):
    route_and_notify(app)
    app.kemala.agencies.acknowledge("X1", "DINKES")
    assert app.kemala.steps.escalate("X1", 1, "response")["outcome"] == "RESPONDED"
    assert app.kemala.steps.escalate("X1", 1, "resolution")["outcome"] == "ESCALATED"


def test_late_answer_after_escalation_is_recorded_and_forwarded(app):
    route_and_notify(app)
    app.kemala.steps.await_agency("X1", "tok", "response")
    app.workflow.expired_tokens.add("tok")
    app.kemala.steps.escalate("X1", 1, "response")
    app.kemala.steps.escalate("X1", 2, "response")
    ticket = app.kemala.agencies.answer("X1", "DINKES", "Maaf terlambat, sudah kami tangani")
    assert ticket.status is Status.ANSWERED and ticket.escalation_levels("response") == [1, 2]
    assert app.kemala.steps.await_agency("X1", "tok3", "response")["outcome"] == "ANSWERED"


def test_copy_goes_to_the_regency_government_where_the_directory_says_so(app):
    route_and_notify(app)
    assert app.tickets.get("X1").copy_region == "3376"
    assert ("region-3376", "copy", "X1") in app.notifier.sent


def test_reassignment_notifies_the_new_agency_and_stores_a_correction_once_it_takes_the_ticket_up(app):
    route_and_notify(app)
    app.kemala.steps.await_agency("X1", "tok", "response")
    ticket = app.kemala.agencies.reassign("X1", "DINKES", "BPJSKES", "soal kepesertaan")
    assert ticket.status is Status.ASSIGNED and ticket.agency == "BPJSKES" and ticket.copy_region is None
    assert app.workflow.resumed[-1][1]["outcome"] == "REASSIGNED"
    assert app.corrections.items == []
    app.kemala.steps.route_and_notify("X1")
    assert ("agency-bpjskes", "new_ticket", "X1") in app.notifier.sent
    app.kemala.agencies.acknowledge("X1", "BPJSKES")
    app.kemala.agencies.answer("X1", "BPJSKES", "Kepesertaan sudah kami cek")
    assert [(c.predicted, c.agency, c.by) for c in app.corrections.items] == [("DINKES", "BPJSKES", "DINKES")]


def test_only_the_holder_can_reassign_even_the_triage_desk_needs_to_hold_the_ticket(app):
    route_and_notify(app)
    for other in ("DISHUB", "TRIAGE"):
        with pytest.raises(InvalidTransitionError):
            app.kemala.agencies.reassign("X1", other, "BPJSKES")
    assert app.kemala.agencies.reassign("X1", "DINKES", "BPJSKES").agency == "BPJSKES"


def test_triage_desk_closes_what_is_not_a_complaint():
    app = with_ticket("Terima kasih pak gub #KemalaJateng", "X5",
                      classify=lambda text: Classification("TRIAGE", None, "NORMAL", 0.9, []))
    route_and_notify(app, "X5")
    app.kemala.steps.await_agency("X5", "tok", "response")
    assert app.kemala.agencies.close("X5", "TRIAGE", "ucapan terima kasih").status is Status.CLOSED
    assert app.workflow.resumed[-1][1]["outcome"] == "CLOSED"


def test_an_agencys_own_reply_on_x_counts_as_its_answer_and_is_not_forwarded(app):
    route_and_notify(app)
    app.kemala.steps.await_agency("X1", "tok", "response")
    reply = IncomingMessage("x", "99", "@sri Puskesmas buka lagi mulai besok", "dinkesjateng", app.now,
                            conversation_id="1")
    stranger = IncomingMessage("x", "98", "@sri semangat", "dishubjateng", app.now, conversation_id="1")
    app.channel.agency_inbox = Inbox([stranger, reply], "99", True)
    report = app.kemala.intake.poll_agency_replies("x", PollBudget(max_pages=1))
    again = app.kemala.intake.poll_agency_replies("x", PollBudget(max_pages=1))
    ticket = app.tickets.get("X1")
    assert report.answers == ["X1"] and again.answers == []
    assert ticket.status is Status.ANSWERED and ticket.history[-1].actor == "DINKES (akun X)"
    assert app.workflow.resumed[-1][1]["outcome"] == "RESPONDED" and app.channel.posts == []


def test_a_message_that_failed_every_retry_is_recorded_on_the_ticket_not_lost(app):
    route_and_notify(app)
    view = app.kemala.steps.record_undelivered("X1", "ticket", "ConnectionError: X unavailable")
    assert view["undelivered"] == "ticket" and view["outcome"] == "WAITING"
    delivery = app.tickets.get("X1").deliveries["ticket"]
    assert delivery.failed.startswith("ConnectionError") and not delivery.waiting
    app.kemala.steps.tell_citizen("X1", "ticket")  # a late retry of the step sends nothing more
    assert app.channel.posts == []


def test_the_recipient_check_covers_every_duty_officer_and_the_operators(app):
    app.notifier.silent = {"agency-bpbd-duty"}
    assert app.kemala.unreachable_recipients() == ["agency-bpbd-duty: no confirmed subscriber"]
    assert len(app.notifier.checked) == len(list(app.kemala.directory)) + 1 and "operators" in app.notifier.checked


def test_routing_that_loses_a_race_to_a_follow_up_reads_the_ticket_again_and_alerts_once(app):
    save, raced = app.tickets.save, []

    def follow_up_lands_first(ticket):
        if not raced:  # the citizen's follow-up is written between routing's read and its first write
            raced.append(ticket.ticket_id)
            stored = app.tickets.get(ticket.ticket_id)
            stored.author = "sri (ditambah)"
            save(stored)
        save(ticket)

    app.tickets.save = follow_up_lands_first
    view = route_and_notify(app)
    ticket = app.tickets.get("X1")
    assert raced == ["X1"] and ticket.status is Status.NOTIFIED and view["outcome"] == "WAITING"
    assert ticket.author == "sri (ditambah)"  # the other write is kept
    assert [sent for sent in app.notifier.sent if sent[1] == "new_ticket"] == [("agency-dinkes", "new_ticket", "X1")]
