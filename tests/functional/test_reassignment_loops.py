"""A ticket bouncing between agencies goes to the triage desk, whose decision stands; the routing
correction is stored once, when the agency that finally holds the ticket takes it up."""
from __future__ import annotations

from chalicelib.domain.tickets import Status
from tests.functional.test_pipeline import route_and_notify, with_ticket


def hand_on(app, by: str, to: str):
    app.kemala.steps.route_and_notify("X1")
    return app.kemala.agencies.reassign("X1", by, to, "bukan wewenang kami")


def test_a_ticket_sent_back_to_an_agency_that_had_it_goes_to_the_triage_desk():
    app = with_ticket()
    route_and_notify(app)
    hand_on(app, "DINKES", "BPJSKES")
    ticket = hand_on(app, "BPJSKES", "DINKES")
    assert ticket.agency == "TRIAGE" and ticket.status is Status.ASSIGNED
    assert ticket.history[-1].note.startswith("BPJSKES -> TRIAGE: pengalihan berulang ke DINKES")
    assert app.corrections.items == []


def test_a_third_hand_on_goes_to_the_triage_desk_instead_of_to_a_fourth_agency():
    app = with_ticket()
    route_and_notify(app)
    hand_on(app, "DINKES", "BPJSKES")
    second = hand_on(app, "BPJSKES", "DISHUB")
    third = hand_on(app, "DISHUB", "DPUBMCK")
    assert (second.agency, third.agency) == ("DISHUB", "TRIAGE")
    assert [e.agency for e in third.hand_ons()] == ["DINKES", "BPJSKES", "DISHUB"]


def test_the_triage_desks_decision_stands_and_is_the_one_correction_recorded():
    app = with_ticket()
    route_and_notify(app)
    hand_on(app, "DINKES", "BPJSKES")
    hand_on(app, "BPJSKES", "DINKES")  # bounced: now with the triage desk
    decided = hand_on(app, "TRIAGE", "DINKES")
    assert decided.agency == "DINKES"
    app.kemala.steps.route_and_notify("X1")
    app.kemala.agencies.acknowledge("X1", "DINKES")
    app.kemala.agencies.answer("X1", "DINKES", "Sudah kami tangani")
    app.kemala.agencies.resolve("X1", "DINKES", "Selesai")
    assert [(c.predicted, c.agency, c.by) for c in app.corrections.items] == []  # the model had it right


def test_one_correction_when_the_final_holder_takes_the_ticket_up_however_often_it_acts():
    app = with_ticket()
    route_and_notify(app)
    hand_on(app, "DINKES", "BPJSKES")
    hand_on(app, "BPJSKES", "DISHUB")
    app.kemala.steps.route_and_notify("X1")
    app.kemala.agencies.acknowledge("X1", "DISHUB")
    app.kemala.agencies.acknowledge("X1", "DISHUB")
    app.kemala.agencies.answer("X1", "DISHUB", "Kami cek")
    app.kemala.agencies.resolve("X1", "DISHUB", "Selesai")
    assert [(c.predicted, c.agency, c.by) for c in app.corrections.items] == [("DINKES", "DISHUB", "BPJSKES")]
