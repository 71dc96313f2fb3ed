"""The SMS adapter's pure parts: the inbound document, short ids, SMS-length parts."""
import json

import pytest

from chalicelib.adapters.channels.parts import split_message
from chalicelib.adapters.channels.sms import MAX_PARTS, SMS_LIMIT, InboundSmsError, SmsChannel, parse_inbound, sms_source_id


def test_the_inbound_document_becomes_a_message_with_a_short_stable_id():
    document = {"originationNumber": "+6281234500001", "destinationNumber": "+62811000123", "messageKeyword": "JALAN",
                "messageBody": " Jalan rusak di Kartasura ", "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84"}
    message = parse_inbound(json.dumps(document))
    assert (message.channel, message.author, message.text) == ("sms", "+6281234500001", "Jalan rusak di Kartasura")
    assert message.source_id == sms_source_id(document["inboundMessageId"]) and len(message.source_id) == 12
    assert message.source_id.isalnum() and message.source_id.isupper()


@pytest.mark.parametrize("body", ["not json", "[]", json.dumps({"messageBody": "x"}),
                                  json.dumps({"originationNumber": "", "messageBody": "x", "inboundMessageId": "1"})])
def test_anything_else_on_the_topic_is_refused(body):
    with pytest.raises(InboundSmsError):
        parse_inbound(body)


def test_a_long_message_is_split_into_at_most_three_sms_and_shortened():
    channel = SmsChannel(client=None, origination="pool")
    parts = channel.render("Tanggapan Dinas: " + "perbaikan jalan dijadwalkan minggu depan, 😀 terima kasih. " * 20)
    assert len(parts) == MAX_PARTS and all(len(p) <= SMS_LIMIT for p in parts)
    assert parts[-1].endswith(f"... ({MAX_PARTS}/{MAX_PARTS})") and all(p.isascii() for p in parts)
    assert channel.render("pendek") == ["pendek"]


def test_split_without_a_cap_keeps_every_word():
    text = " ".join(f"kata{i}" for i in range(100))
    parts = split_message(text, 50)
    assert " ".join(p.rsplit(" (", 1)[0] for p in parts) == text


def test_a_throttled_send_is_a_rate_limit_and_other_errors_pass_through():
    from botocore.exceptions import ClientError

    from chalicelib.domain.tickets import Ticket
    from chalicelib.services.ports import RateLimitedError

    class Refusing:
        def __init__(self, code: str) -> None:
            self.code = code

        def send_text_message(self, **_):
            raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "SendTextMessage")

    ticket = Ticket("SMS1", "sms", "1", "aduan", None, author="+6281234567890")
    with pytest.raises(RateLimitedError):
        SmsChannel(Refusing("ThrottlingException"), "pool").send(ticket, "halo", None)
    with pytest.raises(ClientError):
        SmsChannel(Refusing("ValidationException"), "pool").send(ticket, "halo", None)
