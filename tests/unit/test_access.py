from datetime import datetime, timezone

from chalicelib.domain.access import User, can_act, can_read
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import Classification, Ticket

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
DUE = Deadlines(T0, T0, T0 - T0)


def handed_on() -> Ticket:
    ticket = Ticket("X1", "x", "1", "aduan", T0)
    ticket.classify(Classification("DPUBMCK", None, "NORMAL", 0.9), T0)
    ticket.assign("DPUBMCK", DUE, T0)
    ticket.mark_notified(T0)
    ticket.reassign("DINKES", DUE, T0, by="DPUBMCK")
    ticket.mark_notified(T0)
    return ticket


def test_an_agency_acts_on_what_it_holds_and_only_reads_what_it_handed_on():
    ticket = handed_on()
    holder, previous, other = (User(n, frozenset({g})) for n, g in (("a", "DINKES"), ("b", "DPUBMCK"), ("c", "DISHUB")))
    assert can_read(holder, ticket) and can_act(holder, ticket)
    assert can_read(previous, ticket) and not can_act(previous, ticket)
    assert not can_read(other, ticket) and not can_act(other, ticket)


def test_the_governors_office_reads_everything_and_acts_on_nothing():
    governor = User("g", frozenset({"GOVERNOR_OFFICE"}))
    assert can_read(governor, handed_on()) and not can_act(governor, handed_on())
