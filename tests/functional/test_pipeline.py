"""The workflow steps with fakes: each does its work once, however often Step Functions retries it."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import routing
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Classification, InvalidTransitionError, Status, Ticket
from chalicelib.services import pipeline
from tests.fakes import FakeNotifier, FakeReplier, FakeWorkflow, InMemoryCorrections, InMemoryTickets

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
DIRECTORY = load_directory()


def action_url(ticket: Ticket, action: str = "acknowledge") -> str:
    return f"https://kemala.local/tickets/{ticket.ticket_id}/{action}?sig=x"


@pytest.fixture
def repo() -> InMemoryTickets:
    repo = InMemoryTickets()
    repo.add(Ticket("X1", "x", "1", "Puskesmas di Kota Tegal tutup terus, obat habis #KemalaJateng", NOW, author="sri"))
    return repo


def route_and_notify(repo, notifier=None, override=None):
    notifier = notifier or FakeNotifier()
    pipeline.classify_ticket("X1", repo, routing.classify, NOW)
    assignment = pipeline.assign_ticket("X1", repo, DIRECTORY, override, NOW)
    pipeline.notify_agency("X1", repo, notifier, DIRECTORY, action_url, NOW)
    return assignment, notifier


def test_routes_notifies_and_sets_the_deadline_from_the_agency_sla(repo):
    assignment, notifier = route_and_notify(repo)
    ticket = repo.get("X1")
    assert ticket.agency == "DINKES" and ticket.status is Status.NOTIFIED
    assert assignment == {"agency": "DINKES", "response_seconds": 12 * 3600}
    assert ticket.due_at == NOW + timedelta(hours=12)
    assert notifier.agency_alerts == [("dinkes", "X1", "DINKES")]
    assert action_url(ticket) in notifier.emails[0].body


def test_configured_override_shortens_the_wait(repo):
    assignment, _ = route_and_notify(repo, override=5)
    assert assignment["response_seconds"] == 5


def test_retried_steps_do_not_repeat_their_work(repo):
    _, notifier = route_and_notify(repo)
    pipeline.classify_ticket("X1", repo, routing.classify, NOW)
    pipeline.assign_ticket("X1", repo, DIRECTORY, None, NOW)
    result = pipeline.notify_agency("X1", repo, notifier, DIRECTORY, action_url, NOW)
    assert result["notified"] is False and len(notifier.agency_alerts) == 1


def test_citizen_gets_one_reply(repo):
    route_and_notify(repo)
    replier = FakeReplier()
    pipeline.reply_to_citizen("X1", repo, replier, DIRECTORY)
    again = pipeline.reply_to_citizen("X1", repo, replier, DIRECTORY)
    assert len(replier.replies) == 1 and again["reason"] == "already_replied"
    assert replier.replies[0][0] == "1" and "X1" in replier.replies[0][1]


def test_triage_tickets_get_no_automatic_reply():
    repo = InMemoryTickets()
    repo.add(Ticket("X2", "x", "2", "Selamat pagi semuanya #KemalaJateng", NOW))
    pipeline.classify_ticket("X2", repo, routing.classify, NOW)
    pipeline.assign_ticket("X2", repo, DIRECTORY, None, NOW)
    replier = FakeReplier()
    assert pipeline.reply_to_citizen("X2", repo, replier, DIRECTORY)["replied"] is False
    assert replier.replies == []


def test_acknowledgement_resumes_the_waiting_workflow(repo):
    route_and_notify(repo)
    workflow = FakeWorkflow()
    pipeline.await_acknowledgement("X1", "tok", repo, workflow, DIRECTORY, None, NOW)
    ticket = pipeline.acknowledge("X1", "DINKES", repo, workflow, NOW + timedelta(hours=1))
    assert ticket.status is Status.ACKNOWLEDGED
    assert workflow.resumed == [("tok", {"outcome": "ACKNOWLEDGED", "agency": "DINKES"})]


def test_acknowledgement_before_the_wait_starts_ends_the_wait_at_once(repo):
    route_and_notify(repo)
    workflow = FakeWorkflow()
    pipeline.acknowledge("X1", "DINKES", repo, workflow, NOW)
    assert pipeline.await_acknowledgement("X1", "tok", repo, workflow, DIRECTORY, None, NOW) == {"waiting": False}
    assert workflow.resumed == [("tok", {"outcome": "ACKNOWLEDGED", "agency": "DINKES"})]


def test_wrong_agency_cannot_acknowledge(repo):
    route_and_notify(repo)
    with pytest.raises(InvalidTransitionError):
        pipeline.acknowledge("X1", "DISHUB", repo, FakeWorkflow(), NOW)


def test_escalates_when_agency_misses_deadline(repo):
    _, notifier = route_and_notify(repo)
    pipeline.await_acknowledgement("X1", "tok", repo, FakeWorkflow(), DIRECTORY, None, NOW)
    result = pipeline.escalate("X1", repo, notifier, DIRECTORY, NOW + timedelta(hours=12))
    assert result == {"escalated": True, "agency": "DINKES"}
    assert notifier.escalations == [("X1", "DINKES")]
    assert "ESKALASI" in notifier.emails[-1].subject
    assert pipeline.escalate("X1", repo, notifier, DIRECTORY, NOW)["escalated"] is False
    assert len(notifier.escalations) == 1


def test_late_acknowledgement_after_escalation_is_still_recorded(repo):
    _, notifier = route_and_notify(repo)
    workflow = FakeWorkflow()
    pipeline.await_acknowledgement("X1", "tok", repo, workflow, DIRECTORY, None, NOW)
    workflow.expired_tokens.add("tok")
    pipeline.escalate("X1", repo, notifier, DIRECTORY, NOW)
    ticket = pipeline.acknowledge("X1", "DINKES", repo, workflow, NOW + timedelta(hours=13))
    assert ticket.status is Status.ACKNOWLEDGED and ticket.escalated_at is not None


def test_copy_goes_to_the_regency_government_where_the_directory_says_so(repo):
    _, notifier = route_and_notify(repo)
    assert repo.get("X1").copy_region == "3376"
    assert notifier.region_copies == [("region-3376", "X1", "3376")]


def test_no_copy_for_agencies_that_work_alone():
    repo = InMemoryTickets()
    repo.add(Ticket("X3", "x", "3", "THR belum dibayar pabrik rokok di Kudus #KemalaJateng", NOW))
    _, notifier = route_and_notify_id(repo, "X3")
    assert repo.get("X3").agency == "DISNAKERTRANS" and notifier.region_copies == []


def route_and_notify_id(repo, ticket_id):
    notifier = FakeNotifier()
    pipeline.classify_ticket(ticket_id, repo, routing.classify, NOW)
    assignment = pipeline.assign_ticket(ticket_id, repo, DIRECTORY, None, NOW)
    pipeline.notify_agency(ticket_id, repo, notifier, DIRECTORY, action_url, NOW)
    return assignment, notifier


def test_low_confidence_goes_to_the_triage_desk_with_the_suggestion_kept():
    repo = InMemoryTickets()
    repo.add(Ticket("X4", "x", "4", "tolong dibantu ya min, sudah lama #KemalaJateng", NOW))
    pipeline.classify_ticket("X4", repo, lambda text: Classification("DINKES", None, "NORMAL", 0.2, []), NOW)
    assignment = pipeline.assign_ticket("X4", repo, DIRECTORY, None, NOW)
    assert assignment["agency"] == "TRIAGE" and repo.get("X4").classification.agency == "DINKES"


def test_reassignment_notifies_the_new_agency_and_stores_a_correction(repo):
    route_and_notify(repo)
    workflow, corrections = FakeWorkflow(), InMemoryCorrections()
    pipeline.await_acknowledgement("X1", "tok", repo, workflow, DIRECTORY, None, NOW)
    ticket = pipeline.reassign("X1", "DINKES", "BPJSKES", repo, workflow, corrections, DIRECTORY, None, NOW)
    assert ticket.status is Status.ASSIGNED and ticket.agency == "BPJSKES" and ticket.copy_region is None
    assert workflow.resumed == [("tok", {"outcome": "REASSIGNED", "agency": "BPJSKES", "response_seconds": 24 * 3600})]
    assert [(c.predicted, c.agency, c.by) for c in corrections.items] == [("DINKES", "BPJSKES", "DINKES")]
    notifier = FakeNotifier()
    pipeline.notify_agency("X1", repo, notifier, DIRECTORY, action_url, NOW)
    assert notifier.agency_alerts == [("bpjskes", "X1", "BPJSKES")]


def test_only_the_holder_or_the_triage_desk_can_reassign(repo):
    route_and_notify(repo)
    with pytest.raises(InvalidTransitionError):
        pipeline.reassign("X1", "DISHUB", "BPJSKES", repo, FakeWorkflow(), InMemoryCorrections(), DIRECTORY, None, NOW)
    ticket = pipeline.reassign("X1", "TRIAGE", "BPJSKES", repo, FakeWorkflow(), InMemoryCorrections(), DIRECTORY,
                               None, NOW)
    assert ticket.agency == "BPJSKES"


def test_reassignment_before_the_wait_starts_loops_back_at_once(repo):
    route_and_notify(repo)
    workflow = FakeWorkflow()
    pipeline.reassign("X1", "DINKES", "BPJSKES", repo, workflow, InMemoryCorrections(), DIRECTORY, None, NOW)
    assert pipeline.await_acknowledgement("X1", "tok", repo, workflow, DIRECTORY, None, NOW) == {"waiting": False}
    assert workflow.resumed == [("tok", {"outcome": "REASSIGNED", "agency": "BPJSKES", "response_seconds": 24 * 3600})]
