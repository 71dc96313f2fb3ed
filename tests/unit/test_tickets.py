from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.followups import FollowUp
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import Classification, InvalidTransitionError, MessageKind, Status, Ticket, ticket_id_for

T0 = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
DUE = Deadlines(T0 + timedelta(hours=24), T0 + timedelta(hours=120), timedelta(hours=24))


def new_ticket() -> Ticket:
    return Ticket(ticket_id="X1", channel="x", source_id="1", text="jalan rusak", received_at=T0)


def routed_ticket(agency: str = "DPUBMCK") -> Ticket:
    ticket = new_ticket()
    ticket.classify(Classification(agency, "3374", "HIGH", 0.9, ["jalan rusak"]), T0)
    ticket.assign(agency, DUE, T0)
    ticket.mark_notified(T0 + timedelta(seconds=2))
    return ticket


def test_ticket_id_is_stable_for_the_same_source_message():
    assert ticket_id_for("x", "123") == ticket_id_for("x", "123") == "X123"
    assert ticket_id_for("sms", "123") != ticket_id_for("x", "123")


def test_every_step_is_recorded_with_its_time_and_who_did_it():
    ticket = routed_ticket()
    ticket.acknowledge("DPUBMCK", T0 + timedelta(hours=2), actor="petugas@dpubmck")
    ticket.answer("DPUBMCK", "Akan kami tambal minggu ini", T0 + timedelta(hours=3))
    ticket.resolve("DPUBMCK", "Sudah ditambal", T0 + timedelta(days=2))
    assert ticket.status is Status.RESOLVED
    assert [(h.status, h.actor) for h in ticket.history] == [
        (Status.CLASSIFIED, "kemala"), (Status.ASSIGNED, "kemala"), (Status.NOTIFIED, "kemala"),
        (Status.ACKNOWLEDGED, "petugas@dpubmck"), (Status.ANSWERED, "DPUBMCK"), (Status.RESOLVED, "DPUBMCK")]
    assert ticket.response_time() == timedelta(hours=2) - timedelta(seconds=2)
    assert [d.kind for d in ticket.deliveries.values()] == [MessageKind.ANSWER, MessageKind.RESOLUTION]


def test_resolving_without_an_answer_sends_one_message_carrying_both():
    ticket = routed_ticket()
    key = ticket.resolve("DPUBMCK", "Jalan sudah diaspal ulang", T0 + timedelta(hours=5))
    assert ticket.deliveries[key].kind is MessageKind.ANSWER_AND_RESOLUTION and len(ticket.deliveries) == 1
    assert ticket.answered_at == ticket.resolved_at  # the resolution is the first response


def test_an_answer_given_on_the_agencys_own_account_is_not_forwarded():
    ticket = routed_ticket()
    assert ticket.answer("DPUBMCK", "Siap, kami cek", T0, forward=False) is None
    assert ticket.responded and ticket.deliveries == {} and ticket.undelivered_answer() is None


def test_only_the_holding_agency_acts_and_finished_tickets_stay_finished():
    ticket = routed_ticket()
    with pytest.raises(InvalidTransitionError):
        ticket.answer("DISHUB", "bukan kami", T0)
    ticket.resolve("DPUBMCK", "selesai", T0)
    for act in (lambda: ticket.answer("DPUBMCK", "lagi", T0), lambda: ticket.acknowledge("DPUBMCK", T0),
                lambda: ticket.reassign("DISHUB", DUE, T0, "DPUBMCK")):
        with pytest.raises(InvalidTransitionError):
            act()


def test_empty_answers_and_notes_are_refused():
    ticket = routed_ticket()
    with pytest.raises(InvalidTransitionError):
        ticket.answer("DPUBMCK", "   ", T0)
    with pytest.raises(InvalidTransitionError):
        ticket.resolve("DPUBMCK", "", T0)


def test_reassignment_records_the_reason_and_restarts_the_clocks():
    ticket = routed_ticket()
    ticket.acknowledge("DPUBMCK", T0)
    later = Deadlines(T0 + timedelta(hours=30), T0 + timedelta(hours=130), timedelta(hours=24))
    ticket.reassign("DISHUB", later, T0 + timedelta(hours=6), by="DPUBMCK", reason="lampu lalu lintas")
    assert ticket.status is Status.ASSIGNED and ticket.agency == "DISHUB" and ticket.deadlines == later
    assert not ticket.responded and ticket.acknowledged_at is None
    assert ticket.history[-1].note == "DPUBMCK -> DISHUB: lampu lalu lintas" and ticket.history[-1].actor == "DPUBMCK"


def test_only_the_triage_desk_closes_a_ticket_as_not_a_complaint():
    ticket = routed_ticket()
    with pytest.raises(InvalidTransitionError):
        ticket.close("DPUBMCK", "spam", T0)
    triage = routed_ticket("TRIAGE")
    triage.close("TRIAGE", "ucapan terima kasih", T0)
    assert triage.status is Status.CLOSED and triage.history[-1].note == "ucapan terima kasih"


def test_escalations_keep_the_status_and_record_level_and_clock():
    ticket = routed_ticket()
    ticket.escalate(1, "response", T0 + timedelta(hours=24))
    ticket.escalate(2, "response", T0 + timedelta(hours=48))
    assert ticket.status is Status.NOTIFIED and ticket.escalation_levels("response") == [1, 2]
    assert ticket.escalation_levels("resolution") == []
    ticket.acknowledge("DPUBMCK", T0 + timedelta(hours=50))  # a late response still counts
    assert ticket.responded


def test_cannot_notify_before_assignment():
    with pytest.raises(InvalidTransitionError):
        new_ticket().mark_notified(T0)


def resolved_ticket() -> Ticket:
    ticket = routed_ticket()
    ticket.resolve("DPUBMCK", "Sudah ditambal", T0 + timedelta(hours=5))
    return ticket


def test_reopening_needs_the_resolution_told_and_the_seven_day_window():
    ticket = resolved_ticket()
    later = T0 + timedelta(days=2)
    assert not ticket.may_reopen(later)  # the resolution has not reached the citizen yet
    ticket.deliveries["resolution"].sent = True
    assert ticket.may_reopen(later) and not ticket.may_reopen(T0 + timedelta(days=8))
    fresh = Deadlines(later, later + timedelta(hours=120), timedelta(hours=24))
    ticket.escalate(1, "resolution", T0 + timedelta(hours=4))
    follow_up = FollowUp("x:9", "masih rusak", later)
    ticket.reopen(follow_up, fresh, later)
    assert ticket.status is Status.REOPENED and ticket.responded and follow_up.reopened
    assert ticket.deadlines is fresh and ticket.resolved_at is None and ticket.reopen_round == 1
    assert ticket.escalation_levels("resolution") == []  # the ladder runs again
    assert list(ticket.deliveries) == ["resolution-1"]
    with pytest.raises(InvalidTransitionError):
        ticket.reopen(follow_up, fresh, later)
    ticket.resolve("DPUBMCK", "Dicor ulang", later + timedelta(hours=1))
    assert ticket.deliveries["resolution"].kind is MessageKind.RESOLUTION


def test_redacting_keeps_the_numbers_and_drops_the_words():
    ticket = routed_ticket()
    ticket.redact(T0 + timedelta(days=1))
    assert ticket.redacted and ticket.author is None and ticket.classification.evidence == []
    assert (ticket.agency, ticket.classification.region, ticket.status) == ("DPUBMCK", "3374", Status.NOTIFIED)
