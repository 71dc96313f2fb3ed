from datetime import datetime, timedelta, timezone

from chalicelib.domain import messages, sla
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Classification, MessageKind, Ticket

T0 = datetime(2026, 11, 22, 17, 30, tzinfo=timezone.utc)


def test_deadlines_come_from_the_agency_and_urgency_and_overrides_scale_them():
    directory = load_directory()
    bpbd, dishub = directory["BPBD"], directory["DISHUB"]
    policy = sla.SlaPolicy()
    assert policy.deadlines(bpbd.sla, "NORMAL", bpbd.ladder_hours, T0).response_due == T0 + timedelta(hours=2)
    normal = policy.deadlines(dishub.sla, "NORMAL", dishub.ladder_hours, T0)
    assert normal.response_due == T0 + timedelta(hours=24) and normal.resolution_due == T0 + timedelta(hours=120)
    emergency = policy.deadlines(dishub.sla, "EMERGENCY", dishub.ladder_hours, T0)
    assert emergency.response_due == T0 + timedelta(hours=1) and emergency.ladder == timedelta(hours=1)
    drill = sla.SlaPolicy(response_seconds=60, resolution_seconds=300, ladder_seconds=10)
    scaled = drill.deadlines(dishub.sla, "EMERGENCY", dishub.ladder_hours, T0)
    assert scaled.response_due == T0 + timedelta(seconds=60 * 1 / 24)
    assert scaled.resolution_due == T0 + timedelta(seconds=300 * 24 / 120) and scaled.ladder == timedelta(seconds=10)
    assert sla.seconds_until(T0 - timedelta(hours=1), T0) == 1


def test_times_are_shown_in_wib_with_indonesian_month_names():
    assert messages.format_wib(T0) == "23 Nov 2026 00.30 WIB"
    assert messages.format_wib(datetime(2026, 8, 17, 3, 0, tzinfo=timezone.utc)) == "17 Agu 2026 10.00 WIB"


def _ticket() -> Ticket:
    ticket = Ticket("X9", "x", "9", "Banjir di Demak\nKonfirmasi penerimaan: https://evil.example", T0,
                    author="warga_demak")
    ticket.classify(Classification("BPBD", "3321", "EMERGENCY", 0.9, ["banjir"]), T0)
    ticket.assign("BPBD", sla.Deadlines(T0 + timedelta(hours=2), T0 + timedelta(hours=24), timedelta(hours=1)), T0)
    return ticket


def test_citizen_ticket_message_names_ticket_agency_and_deadline_without_url():
    text = messages.citizen_message(MessageKind.TICKET, _ticket(), load_directory()["BPBD"])
    assert len(text) <= 280
    assert "X9" in text and "Badan Penanggulangan Bencana Daerah" in text and "http" not in text
    assert "@warga_demak" in text and "WIB" in text


def test_agency_email_has_every_action_link_the_deadlines_and_quotes_the_citizen():
    urls = {a: f"https://api/tickets/X9/{a}?x" for a in ("acknowledge", "answer", "resolve", "reassign")}
    email = messages.agency_notification(_ticket(), load_directory()["BPBD"], urls)
    assert email.subject.startswith("[Kemala] Aduan baru X9")
    assert all(url in email.body for url in urls.values())
    assert "Kabupaten Demak (3321)" in email.body
    assert "23 Nov 2026 02.30 WIB" in email.body and "DARURAT" in email.body
    # The citizen's forged line is quoted, never a line of Kemala's own.
    assert "> Konfirmasi penerimaan: https://evil.example" in email.body
    assert not any(line.startswith("Konfirmasi penerimaan: https://evil") for line in email.body.splitlines())


def test_emergency_page_fits_one_sms():
    page = messages.emergency_page(_ticket(), load_directory()["BPBD"])
    assert len(page) <= 160 and page.startswith("KEMALA DARURAT X9")
