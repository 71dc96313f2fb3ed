from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.tickets import Classification, InvalidTransitionError, Status, Ticket, ticket_id_for

T0 = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)


def new_ticket() -> Ticket:
    return Ticket(ticket_id="X1", channel="x", source_id="1", text="jalan rusak", received_at=T0)


def routed_ticket() -> Ticket:
    ticket = new_ticket()
    ticket.classify(Classification("DPUBMCK", "3374", "HIGH", 0.9, ["jalan rusak"]), T0)
    ticket.assign("DPUBMCK", T0 + timedelta(hours=24), T0)
    ticket.mark_notified(T0 + timedelta(seconds=2))
    return ticket


def test_ticket_id_is_stable_for_the_same_source_message():
    assert ticket_id_for("x", "123") == ticket_id_for("x", "123") == "X123"
    assert ticket_id_for("sms", "123") != ticket_id_for("x", "123")


def test_happy_path_records_every_step_in_history():
    ticket = routed_ticket()
    ticket.await_acknowledgement("token-1", T0 + timedelta(seconds=3))
    ticket.acknowledge("DPUBMCK", T0 + timedelta(hours=2))
    assert ticket.status is Status.ACKNOWLEDGED
    assert [h.status for h in ticket.history] == [
        Status.CLASSIFIED, Status.ASSIGNED, Status.NOTIFIED, Status.AWAITING_ACK, Status.ACKNOWLEDGED]
    assert ticket.response_time() == timedelta(hours=2) - timedelta(seconds=2)


def test_cannot_notify_before_assignment():
    ticket = new_ticket()
    with pytest.raises(InvalidTransitionError):
        ticket.mark_notified(T0)


def test_only_the_assigned_agency_can_acknowledge():
    ticket = routed_ticket()
    with pytest.raises(InvalidTransitionError):
        ticket.acknowledge("DINKES", T0)
    assert ticket.status is Status.NOTIFIED


def test_escalated_ticket_can_still_be_acknowledged_late():
    ticket = routed_ticket()
    ticket.await_acknowledgement("token-1", T0)
    ticket.escalate(T0 + timedelta(hours=24))
    ticket.acknowledge("DPUBMCK", T0 + timedelta(hours=30))
    assert ticket.status is Status.ACKNOWLEDGED and ticket.escalated_at is not None


def test_acknowledged_ticket_cannot_escalate():
    ticket = routed_ticket()
    ticket.acknowledge("DPUBMCK", T0)
    with pytest.raises(InvalidTransitionError):
        ticket.escalate(T0)
