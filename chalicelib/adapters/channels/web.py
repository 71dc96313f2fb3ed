"""The web form's citizens hear back at the contact they gave: an e-mail address through Amazon SES
(v2 `SendEmail`), a phone number by SMS (the SMS channel's sender), or, with no contact, only on the
status page (nothing is sent; the message is recorded as delivered there).

Complaints arrive through the API (the form's POST), so there is nothing to pull.
"""
from __future__ import annotations

import boto3

from chalicelib.adapters.channels.sms import SmsChannel
from chalicelib.adapters.channels.throttling import throttling_is_rate_limit
from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import Inbox
from chalicelib.settings import Settings

ON_STATUS_PAGE = "status-page"  # the "message id" of a message only the status page shows


class WebChannel:
    code = "web"
    pacing = (14, 1)  # SES: 14 messages per second in a new production account

    def __init__(self, ses, sender: str, sms: SmsChannel, status_base_url: str) -> None:
        self._ses = ses
        self._sender = sender
        self._sms = sms
        self._status_base_url = status_base_url

    @classmethod
    def from_settings(cls, settings: Settings):
        return cls(boto3.client("sesv2"), settings.email_sender, SmsChannel.from_settings(settings),
                   f"{settings.public_base_url}/lapor/status")

    def receive(self, cursor: str | None) -> Inbox:
        return Inbox([], cursor, True)

    def render(self, text: str) -> list[str]:
        return [text]  # one e-mail; an SMS contact gets it split in `send`

    def send(self, ticket: Ticket, part: str, after: str | None) -> str:
        contact = (ticket.author or "").strip()
        if not contact:
            return ON_STATUS_PAGE
        if "@" not in contact:
            return [self._sms.send_to(contact, sms) for sms in self._sms.render(part)][-1]
        body = f"{part}\n\nStatus tiket: {self._status_base_url}/{ticket.ticket_id}\n\n-- Kemala, LaporGub! Jawa Tengah"
        with throttling_is_rate_limit():
            response = self._ses.send_email(
                FromEmailAddress=self._sender, Destination={"ToAddresses": [contact]},
                Content={"Simple": {"Subject": {"Data": f"Aduan Anda, tiket {ticket.ticket_id}", "Charset": "UTF-8"},
                                    "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}}})
        return response["MessageId"]

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        """SES keeps no searchable record of sent mail: a message whose outcome was lost is sent again."""
        return None
