"""The Pergub 13/2018 figures, checked against a second, independent reading of the histories."""
import random
import statistics
from datetime import datetime, timedelta, timezone

from chalicelib.domain.evaluation import evaluate, percentile
from chalicelib.domain.followups import FollowUp
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import Classification, Status, Ticket

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
HOURS = {"EMERGENCY": (2, 24), "HIGH": (8, 72), "NORMAL": (24, 120)}
AGENCIES = ["DPUBMCK", "DINKES", "DISHUB", "TRIAGE"]


def deadlines_of(agency: str, urgency: str, start: datetime) -> Deadlines:
    response, resolution = HOURS[urgency]
    return Deadlines(start + timedelta(hours=response), start + timedelta(hours=resolution), timedelta(hours=4))


def simulate(n: int, seed: int = 7) -> list[Ticket]:
    """Tickets worked the way agencies work them: some late, some handed on, some never answered."""
    rng, tickets = random.Random(seed), []
    for i in range(n):
        at = T0 + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        urgency = rng.choice(list(HOURS))
        ticket = Ticket(f"X{i}", "x", str(i), "aduan", at)
        agency = rng.choice(AGENCIES)
        ticket.classify(Classification(agency, "3374", urgency, 0.9), at)
        ticket.assign(agency, deadlines_of(agency, urgency, at), at)
        ticket.mark_notified(at + timedelta(seconds=5))
        for _ in range(rng.randrange(0, 3)):
            at += timedelta(hours=rng.uniform(0.1, 40))
            if rng.random() < 0.3:
                ticket.escalate(rng.choice([1, 2]), "response", at)
            choice = rng.random()
            if choice < 0.25 and ticket.status is not Status.RESOLVED:
                target = rng.choice([a for a in AGENCIES if a != ticket.agency])
                ticket.reassign(target, deadlines_of(target, urgency, at), at, by=ticket.agency or "")
                ticket.mark_notified(at + timedelta(seconds=5))
            elif choice < 0.5 and ticket.status is Status.NOTIFIED:
                ticket.acknowledge(ticket.agency or "", at)
            elif choice < 0.75 and ticket.status not in (Status.RESOLVED, Status.CLOSED):
                ticket.answer(ticket.agency or "", "jawaban", at)
            elif choice < 0.9 and ticket.status not in (Status.RESOLVED, Status.CLOSED):
                ticket.resolve(ticket.agency or "", "selesai", at)
        tickets.append(ticket)
    return tickets


def independent(tickets: list[Ticket], until: datetime) -> dict:
    """A second reading: cut each history at NOTIFIED entries and look inside each slice."""
    out: dict = {}
    for ticket in tickets:
        history = [h for h in ticket.history if h.at <= until]
        starts = [i for i, h in enumerate(history) if h.status is Status.NOTIFIED
                  and history[i - 1].status is Status.ASSIGNED]
        for n, i in enumerate(starts):
            agency = history[i].agency
            assigned = max(h.at for h in history[:i] if h.status is Status.ASSIGNED)
            due = deadlines_of(agency, ticket.classification.urgency, assigned)
            stop = starts[n + 1] if n + 1 < len(starts) else len(history)
            own = [h for h in history[i + 1:stop] if h.agency == agency]
            responses = [h.at for h in own if h.status in (Status.ACKNOWLEDGED, Status.ANSWERED, Status.RESOLVED)]
            resolved = [h.at for h in own if h.status is Status.RESOLVED]
            handed = any(h.status is Status.ASSIGNED for h in history[i + 1:stop])
            row = out.setdefault(agency, {"received": 0, "in_time": 0, "resolved": 0, "resolved_in_time": 0,
                                          "hours": [], "in": 0, "out": 0, "open": 0, "esc": {}})
            row["received"] += 1
            row["in"] += n > 0
            row["out"] += handed
            row["open"] += not handed and not resolved
            if responses:
                row["hours"].append((responses[0] - history[i].at).total_seconds() / 3600)
                row["in_time"] += responses[0] <= due.response_due
            if resolved:
                row["resolved"] += 1
                row["resolved_in_time"] += resolved[0] <= due.resolution_due
        for e in ticket.escalations:
            if e.at <= until:
                esc = out.setdefault(e.agency, {"received": 0, "esc": {}})["esc"]
                esc[e.level] = esc.get(e.level, 0) + 1
    return out


def test_report_agrees_with_an_independent_reading_of_the_histories():
    tickets = simulate(600)
    until = T0 + timedelta(days=31)
    figures, expected = evaluate(tickets, deadlines_of, until), independent(tickets, until)
    assert set(figures) == set(expected)
    for agency, want in expected.items():
        got = figures[agency]
        assert got.received == want["received"]
        assert dict(got.escalations) == want["esc"]
        if not want["received"]:
            continue
        assert (got.responded_in_time, got.resolved, got.resolved_in_time) == (
            want["in_time"], want["resolved"], want["resolved_in_time"])
        assert (got.handed_in, got.handed_on, got.open) == (want["in"], want["out"], want["open"])
        assert got.median_response_hours == statistics.median(want["hours"])
        assert got.responded_in_time_pct == round(100 * want["in_time"] / want["received"], 1)


def test_a_past_month_is_evaluated_as_it_stood_at_its_end():
    ticket = simulate(1)[0]
    early = evaluate([ticket], deadlines_of, ticket.history[2].at)  # just notified
    assert sum(f.open for f in early.values()) == 1
    assert evaluate([ticket], deadlines_of, ticket.history[2].at) == early


def notified_ticket(at=T0) -> Ticket:
    """A NORMAL ticket routed to and notified to DPUBMCK at `at`."""
    ticket = Ticket("X1", "x", "1", "aduan", at)
    ticket.classify(Classification("DPUBMCK", None, "NORMAL", 0.9), at)
    ticket.assign("DPUBMCK", deadlines_of("DPUBMCK", "NORMAL", at), at)
    ticket.mark_notified(at)
    return ticket


def test_closing_without_answering_does_not_count_as_responding_in_time():
    at = T0
    ticket = notified_ticket(at)
    ticket.reassign("DINKES", deadlines_of("DINKES", "NORMAL", at), at + timedelta(minutes=1), by="DPUBMCK")
    ticket.mark_notified(at + timedelta(minutes=1))
    figures = evaluate([ticket], deadlines_of, at + timedelta(days=1))
    assert figures["DPUBMCK"].responded_in_time_pct == 0.0
    assert (figures["DPUBMCK"].handed_on, figures["DINKES"].handed_in) == (1, 1)


def test_an_escalation_is_not_a_new_spell():
    at = T0
    ticket = notified_ticket(at)
    ticket.escalate(1, "response", at + timedelta(hours=30))
    ticket.acknowledge("DPUBMCK", at + timedelta(hours=31))
    ticket.escalate(1, "resolution", at + timedelta(hours=130))
    figures = evaluate([ticket], deadlines_of, at + timedelta(days=10))["DPUBMCK"]
    assert (figures.received, figures.handed_in, figures.responded_in_time, figures.open) == (1, 0, 0, 1)
    assert figures.median_response_hours == 31 and figures.escalations == {1: 2}


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([], 0.9) is None


def test_a_reopened_ticket_counts_as_resolved_only_when_resolved_again_against_its_fresh_deadline():
    at = T0
    ticket = notified_ticket(at)
    ticket.resolve("DPUBMCK", "Sudah ditambal", at + timedelta(hours=10))
    ticket.deliveries["resolution"].sent = True
    reopened_at = at + timedelta(hours=100)
    ticket.reopen(FollowUp("x:2", "belum", reopened_at), deadlines_of("DPUBMCK", "NORMAL", reopened_at), reopened_at)
    still_open = evaluate([ticket], deadlines_of, reopened_at + timedelta(hours=1))["DPUBMCK"]
    assert (still_open.resolved, still_open.open) == (0, 1)
    ticket.resolve("DPUBMCK", "Dicor ulang", reopened_at + timedelta(hours=50))  # past the first deadline, not the fresh one
    again = evaluate([ticket], deadlines_of, reopened_at + timedelta(days=3))["DPUBMCK"]
    assert (again.received, again.resolved, again.resolved_in_time, again.open) == (1, 1, 1, 0)


def test_reports_linked_to_one_incident_count_as_one_incident():
    tickets = [notified_ticket(T0 + timedelta(minutes=n)) for n in range(4)]
    for n, ticket in enumerate(tickets):
        ticket.ticket_id = f"X{n}"
    for ticket in tickets[:3]:
        ticket.link_incident("INCX0", T0)
    figures = evaluate(tickets, deadlines_of, T0 + timedelta(days=1))["DPUBMCK"]
    assert (figures.received, figures.incidents) == (4, 2)
