"""SMS through AWS End User Messaging (`pinpoint-sms-voice-v2`): two-way SMS in, text messages out.

Inbound: End User Messaging publishes every SMS a citizen sends to Kemala's number on an SNS topic
(`kemala-<stage>-sms-inbound`) as a JSON document; the `receive_sms` Lambda reads it there
(`parse_inbound`), so SMS is a pushed channel and `receive` has nothing to pull. Outbound:
`SendTextMessage` from the stage's origination identity (a phone number or pool, registered outside
this stack because carriers require it), one SMS per part.

`SMS_ENDPOINT_URL` plays the part that `X_API_BASE_URL` plays for X: when set, the End User Messaging
client goes there (the local SMS emulator, `local/sms_emulator.py`). Unset in deployed stages.
"""
from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from datetime import datetime

from chalicelib.adapters.clients import LazyClient
from chalicelib.adapters.channels.parts import split_message
from chalicelib.adapters.channels.throttling import throttling_is_rate_limit
from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import IncomingMessage, Inbox
from chalicelib.settings import Settings

SMS_LIMIT = 160  # one GSM-7 SMS; each part goes as its own SMS, so no concatenation header is needed
MAX_PARTS = 3  # a longer message is shortened: the status page and `STATUS <ticket>` have the rest


class InboundSmsError(ValueError):
    """An SNS message that is not an End User Messaging inbound SMS."""


def gsm_text(text: str) -> str:
    """The text in plain Latin letters (accents and emoji dropped): a GSM-7 SMS carries 160 characters,
    one with any other character only 70."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def sms_source_id(inbound_message_id: str) -> str:
    """A short, stable id for an inbound SMS (its ticket is `S<id>`, which citizens type in `STATUS`):
    12 base32 characters (60 bits) of the message id's hash."""
    digest = hashlib.sha256(inbound_message_id.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:12]


def parse_inbound(sns_message: str) -> IncomingMessage:
    """The SMS in End User Messaging's inbound document (originationNumber, messageBody, inboundMessageId)."""
    try:
        document = json.loads(sns_message)
        sender, body, message_id = document["originationNumber"], document["messageBody"], document["inboundMessageId"]
    except (ValueError, TypeError, KeyError) as error:
        raise InboundSmsError(f"not an inbound SMS: {type(error).__name__}") from None
    if not all(isinstance(v, str) and v.strip() for v in (sender, body, message_id)):
        raise InboundSmsError("not an inbound SMS: empty sender, body or id")
    received = document.get("receivedAt")
    return IncomingMessage("sms", sms_source_id(message_id), body.strip(), sender.strip(),
                           datetime.fromisoformat(received) if isinstance(received, str) and received else None)


class SmsChannel:
    """Complaints are SMS to Kemala's number; replies are SMS to the sender's number."""

    code = "sms"
    pacing = (10, 1)  # End User Messaging's default throughput is counted in messages per second

    def __init__(self, client, origination: str) -> None:
        self._client = client
        self._origination = origination

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmsChannel":
        return cls(LazyClient("pinpoint-sms-voice-v2", settings.sms_endpoint_url), settings.sms_origination)

    def receive(self, cursor: str | None) -> Inbox:
        """Nothing to pull: inbound SMS are pushed through SNS (`parse_inbound`)."""
        return Inbox([], cursor, True)

    def render(self, text: str) -> list[str]:
        return split_message(gsm_text(text), SMS_LIMIT, MAX_PARTS)

    def send(self, ticket: Ticket, part: str, after: str | None) -> str:
        return self.send_to(ticket.author or "", part)

    def send_to(self, number: str, text: str) -> str:
        """One SMS to a number (a reply to `STATUS`, say): its message id."""
        with throttling_is_rate_limit():
            response = self._client.send_text_message(
                DestinationPhoneNumber=number, OriginationIdentity=self._origination, MessageBody=text,
                MessageType="TRANSACTIONAL")
        return response["MessageId"]

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        """SMS offers no lookup of sent messages: a part whose outcome was lost is sent again (the
        one place where a citizen may get a message twice; End User Messaging has no idempotency key)."""
        return None
