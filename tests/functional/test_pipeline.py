"""The workflow steps and agency actions with fakes: each does its work once, however often
Step Functions retries it."""
from datetime import timedelta

import pytest

from chalicelib.domain.tickets import Classification, InvalidTransitionError, Status, Ticket
from tests.fakes import Fakes


def with_ticket(text: str = "Puskesmas di Kota Tegal tutup terus, obat habis #KemalaJateng", ticket_id: str = "X1",
                **options) -> Fakes:
    app = Fakes(**options)
    app.tickets.add(Ticket(ticket_id, "x", ticket_id[1:], text, app.now, author="sri"))
    return app


def route_and_notify(app: Fakes, ticket_id: str = "X1") -> dict:
    steps = app.kemala.steps
    steps.classify(ticket_id)
    assignment = steps.assign(ticket_id)
    steps.notify_agency(ticket_id)
    return assignment


@pytest.fixture
def app() -> Fakes:
    return with_ticket()


def test_routes_notifies_and_sets_the_deadline_from_the_agency_sla(app):
    assignment = route_and_notify(app)
    ticket = app.tickets.get("X1")
    assert ticket.agency == "DINKES" and ticket.status is Status.NOTIFIED
    assert assignment == {"agency": "DINKES", "response_seconds": 12 * 3600}
    assert ticket.due_at == app.now + timedelta(hours=12)
    assert app.notifier.agency_alerts == [("dinkes", "X1", "DINKES")]
    assert "https://kemala.local/tickets/X1/acknowledge?sig=x" in app.notifier.emails[0].body


def test_configured_override_shortens_the_wait():
    assert route_and_notify(with_ticket(sla_override_seconds=5))["response_seconds"] == 5


def test_retried_steps_do_not_repeat_their_work(app):
    route_and_notify(app)
    app.kemala.steps.classify("X1")
    app.kemala.steps.assign("X1")
    assert app.kemala.steps.notify_agency("X1")["notified"] is False
    assert len(app.notifier.agency_alerts) == 1


def test_citizen_gets_one_reply(app):
    route_and_notify(app)
    app.kemala.steps.reply_to_citizen("X1")
    again = app.kemala.steps.reply_to_citizen("X1")
    assert len(app.channel.replies) == 1 and again["reason"] == "already_replied"
    assert app.channel.replies[0][0] == "1" and "X1" in app.channel.replies[0][1]


def test_triage_tickets_get_no_automatic_reply():
    app = with_ticket("Selamat pagi semuanya #KemalaJateng", "X2")
    route_and_notify(app, "X2")
    assert app.kemala.steps.reply_to_citizen("X2")["replied"] is False
    assert app.channel.replies == []


def test_acknowledgement_resumes_the_waiting_workflow(app):
    route_and_notify(app)
    app.kemala.steps.await_acknowledgement("X1", "tok")
    ticket = app.kemala.agencies.acknowledge("X1", "DINKES")
    assert ticket.status is Status.ACKNOWLEDGED
    assert app.workflow.resumed == [("tok", {"outcome": "ACKNOWLEDGED", "agency": "DINKES"})]


def test_acknowledgement_before_the_wait_starts_ends_the_wait_at_once(app):
    route_and_notify(app)
    app.kemala.agencies.acknowledge("X1", "DINKES")
    assert app.kemala.steps.await_acknowledgement("X1", "tok") == {"waiting": False}
    assert app.workflow.resumed == [("tok", {"outcome": "ACKNOWLEDGED", "agency": "DINKES"})]


def test_wrong_agency_cannot_acknowledge(app):
    route_and_notify(app)
    with pytest.raises(InvalidTransitionError):
        app.kemala.agencies.acknowledge("X1", "DISHUB")


def test_escalates_when_agency_misses_deadline(app):
    route_and_notify(app)
    app.kemala.steps.await_acknowledgement("X1", "tok")
    assert app.kemala.steps.escalate("X1") == {"escalated": True, "agency": "DINKES"}
    assert app.notifier.escalations == [("X1", "DINKES")]
    assert "ESKALASI" in app.notifier.emails[-1].subject
    assert app.kemala.steps.escalate("X1")["escalated"] is False
    assert len(app.notifier.escalations) == 1


def test_late_acknowledgement_after_escalation_is_still_recorded(app):
    route_and_notify(app)
    app.kemala.steps.await_acknowledgement("X1", "tok")
    app.workflow.expired_tokens.add("tok")
    app.kemala.steps.escalate("X1")
    ticket = app.kemala.agencies.acknowledge("X1", "DINKES")
    assert ticket.status is Status.ACKNOWLEDGED and ticket.escalated_at is not None


def test_copy_goes_to_the_regency_government_where_the_directory_says_so(app):
    route_and_notify(app)
    assert app.tickets.get("X1").copy_region == "3376"
    assert app.notifier.region_copies == [("region-3376", "X1", "3376")]


def test_no_copy_for_agencies_that_work_alone():
    app = with_ticket("THR belum dibayar pabrik rokok di Kudus #KemalaJateng", "X3")
    route_and_notify(app, "X3")
    assert app.tickets.get("X3").agency == "DISNAKERTRANS" and app.notifier.region_copies == []


def test_low_confidence_goes_to_the_triage_desk_with_the_suggestion_kept():
    app = with_ticket("tolong dibantu ya min, sudah lama #KemalaJateng", "X4",
                      classify=lambda text: Classification("DINKES", None, "NORMAL", 0.2, []))
    app.kemala.steps.classify("X4")
    assert app.kemala.steps.assign("X4")["agency"] == "TRIAGE"
    assert app.tickets.get("X4").classification.agency == "DINKES"


def test_reassignment_notifies_the_new_agency_and_stores_a_correction(app):
    route_and_notify(app)
    app.kemala.steps.await_acknowledgement("X1", "tok")
    ticket = app.kemala.agencies.reassign("X1", "DINKES", "BPJSKES")
    assert ticket.status is Status.ASSIGNED and ticket.agency == "BPJSKES" and ticket.copy_region is None
    assert app.workflow.resumed == [("tok", {"outcome": "REASSIGNED", "agency": "BPJSKES",
                                             "response_seconds": 24 * 3600})]
    assert [(c.predicted, c.agency, c.by) for c in app.corrections.items] == [("DINKES", "BPJSKES", "DINKES")]
    app.kemala.steps.notify_agency("X1")
    assert app.notifier.agency_alerts[-1] == ("bpjskes", "X1", "BPJSKES")


def test_only_the_holder_or_the_triage_desk_can_reassign(app):
    route_and_notify(app)
    with pytest.raises(InvalidTransitionError):
        app.kemala.agencies.reassign("X1", "DISHUB", "BPJSKES")
    assert app.kemala.agencies.reassign("X1", "TRIAGE", "BPJSKES").agency == "BPJSKES"


def test_reassignment_before_the_wait_starts_loops_back_at_once(app):
    route_and_notify(app)
    app.kemala.agencies.reassign("X1", "DINKES", "BPJSKES")
    assert app.kemala.steps.await_acknowledgement("X1", "tok") == {"waiting": False}
    assert app.workflow.resumed == [("tok", {"outcome": "REASSIGNED", "agency": "BPJSKES",
                                             "response_seconds": 24 * 3600})]
