"""Messages a channel pushes (SMS): complaints become one ticket each, `STATUS <ticket>` is answered once."""
from datetime import datetime, timezone

from chalicelib.services.ports import IncomingMessage
from tests.fakes import Fakes

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def sms(source_id: str, text: str, sender: str = "+6281234500001") -> IncomingMessage:
    return IncomingMessage("sms", source_id, text, sender, NOW)


def test_an_sms_complaint_becomes_one_ticket_even_when_delivered_twice():
    app = Fakes()
    assert app.kemala.intake.take_pushed(sms("ABC", "Jalan rusak di Kartasura")) == "created"
    assert app.kemala.intake.take_pushed(sms("ABC", "Jalan rusak di Kartasura")) == "duplicate"
    assert list(app.tickets.rows) == ["SMSABC"] and app.workflow.started == ["SMSABC"]


def test_status_is_answered_once_to_the_sender_and_makes_no_ticket():
    app = Fakes()
    app.kemala.intake.take_pushed(sms("ABC", "Jalan rusak di Kartasura, hubungi 081299887766"))
    assert app.kemala.intake.take_pushed(sms("Q1", " status smsabc ", "+6289900")) == "status"
    app.kemala.intake.take_pushed(sms("Q1", " status smsabc ", "+6289900"))  # the same SMS delivered again
    assert [address for address, _ in app.channel.direct] == ["+6289900"]
    reply = app.channel.direct[0][1]
    assert "SMSABC" in reply and "Diterima" in reply and "081299887766" not in reply
    assert list(app.tickets.rows) == ["SMSABC"]


def test_status_of_an_unknown_ticket_says_so():
    app = Fakes()
    app.kemala.intake.take_pushed(sms("Q2", "STATUS S404", "+6289900"))
    assert "tidak ditemukan" in app.channel.direct[0][1]
