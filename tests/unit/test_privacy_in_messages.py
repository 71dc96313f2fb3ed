"""Who reads the citizen's own words unmasked: only the handling agency, and not for an anonymous complaint."""
from datetime import datetime, timedelta, timezone

from chalicelib.domain import messages, sla
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Classification, Privacy, Ticket

T0 = datetime(2026, 11, 22, 17, 30, tzinfo=timezone.utc)
TEXT = "Banjir di Genuk, hubungi saya 081234567890, NIK 3374011203980001"
LINKS = {a: f"https://api/tickets/SMS1/{a}" for a in ("acknowledge", "answer", "resolve", "reassign")}


def ticket(privacy: Privacy) -> Ticket:
    t = Ticket("SMS1", "sms", "1", TEXT, T0, author="+6281234567890", privacy=privacy)
    t.classify(Classification("BPBD", "3374", "EMERGENCY", 0.9, ["banjir"]), T0)
    t.assign("BPBD", sla.Deadlines(T0 + timedelta(hours=2), T0 + timedelta(hours=24), timedelta(hours=1)), T0)
    return t


def test_the_handling_agency_reads_a_public_complaint_as_written():
    email = messages.agency_notification(ticket(Privacy.PUBLIC), load_directory()["BPBD"], LINKS)
    assert "081234567890" in email.body


def test_an_anonymous_reporter_never_appears_in_what_the_agency_gets():
    anonymous, bpbd = ticket(Privacy.ANONYMOUS), load_directory()["BPBD"]
    for text in (messages.agency_notification(anonymous, bpbd, LINKS).body, messages.reminder(anonymous, bpbd, "response").body,
                 messages.emergency_page(anonymous, bpbd)):
        assert "081234567890" not in text and "3374011203980001" not in text and "+6281234567890" not in text


def test_copies_and_escalations_are_masked_for_every_complaint():
    public, directory = ticket(Privacy.PUBLIC), load_directory()
    copy = messages.region_copy(public, directory["BPBD"], directory.regions["3374"])
    escalation = messages.escalation(public, directory["BPBD"], "response")
    for text in (copy.body, escalation.body):
        assert "081234567890" not in text and "3374011203980001" not in text and "[nomor telepon]" in text
