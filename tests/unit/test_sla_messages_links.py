from datetime import datetime, timedelta, timezone

from chalicelib.domain import links, messages, sla
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Classification, Ticket

T0 = datetime(2026, 11, 22, 17, 30, tzinfo=timezone.utc)


def test_response_window_comes_from_the_directory_unless_overridden():
    bpbd = load_directory()["BPBD"]
    assert sla.response_window(bpbd) == timedelta(hours=2)
    assert sla.response_window(bpbd, override_seconds=30) == timedelta(seconds=30)
    assert sla.response_window(load_directory()["DISHUB"]) == timedelta(hours=24)


def test_times_are_shown_in_wib_with_indonesian_month_names():
    assert messages.format_wib(T0) == "23 Nov 2026 00.30 WIB"
    assert messages.format_wib(datetime(2026, 8, 17, 3, 0, tzinfo=timezone.utc)) == "17 Agu 2026 10.00 WIB"


def _ticket() -> Ticket:
    ticket = Ticket("X9", "x", "9", "Banjir di Demak", T0, author="warga_demak")
    ticket.classify(Classification("BPBD", "3321", "EMERGENCY", 0.9, ["banjir"]), T0)
    ticket.assign("BPBD", T0 + timedelta(hours=2), T0)
    return ticket


def test_citizen_reply_fits_a_tweet_and_carries_no_url():
    text = messages.citizen_reply(_ticket(), load_directory()["BPBD"])
    assert len(text) <= 280
    assert "X9" in text and "Badan Penanggulangan Bencana Daerah" in text and "http" not in text
    assert "@warga_demak" in text and "WIB" in text


def test_agency_email_has_the_acknowledge_link_and_deadline():
    email = messages.agency_notification(_ticket(), load_directory()["BPBD"], "https://api/tickets/X9/acknowledge?x",
                                         "https://api/tickets/X9/reassign?x")
    assert email.subject.startswith("[Kemala] Aduan baru X9")
    assert "https://api/tickets/X9/acknowledge?x" in email.body and "https://api/tickets/X9/reassign?x" in email.body
    assert "Kabupaten Demak (3321)" in email.body
    assert "23 Nov 2026 02.30 WIB" in email.body and "DARURAT" in email.body


def test_signed_links_cannot_be_moved_to_another_ticket_or_agency():
    sig = links.signature("secret", "X1", "acknowledge", "DINKES")
    assert links.is_valid("secret", "X1", "acknowledge", "DINKES", sig)
    assert not links.is_valid("secret", "X2", "acknowledge", "DINKES", sig)
    assert not links.is_valid("secret", "X1", "acknowledge", "DISHUB", sig)
    assert not links.is_valid("other", "X1", "acknowledge", "DINKES", sig)
    assert "agency=DINKES" in links.action_url("https://k", "secret", "X1", "acknowledge", "DINKES")
