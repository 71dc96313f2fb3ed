"""A local SMS carrier: AWS End User Messaging's `SendTextMessage` over HTTP, and citizens' phones.

It stands in for the carrier the way `x_emulator.py` stands in for X:

- Outbound: the SMS adapter's botocore `pinpoint-sms-voice-v2` client is pointed here (`SMS_ENDPOINT_URL`);
  `POST /` with `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage` (AWS JSON 1.0) delivers the message to
  the destination's phone (`inbox(number)`) and answers `{"MessageId"}`. Like End User Messaging it
  refuses a destination that is not E.164 and a body over 1,600 characters (ValidationException, 400),
  and answers ThrottlingException (400) past `per_second` messages in a second.
- Inbound: `send(number, text)` is a citizen texting Kemala's number: the inbound document End User
  Messaging publishes for two-way SMS (`originationNumber`, `destinationNumber`, `messageKeyword`,
  `messageBody`, `inboundMessageId`, `previousPublishedMessageId`) goes to the stack's inbound SNS topic,
  whose subscription invokes the `receive_sms` Lambda.

Not emulated: delivery receipts, opt-outs (STOP), message parts and prices.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from local.serving import serve

KEMALA_NUMBER = "+62811000123"  # the origination number citizens text (local only)
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_MAX_BODY = 1600


@dataclass(frozen=True)
class Sms:
    message_id: str
    to: str
    origination: str
    body: str
    at: float


class SmsEmulator:
    def __init__(self, per_second: int = 20) -> None:
        self.per_second = per_second
        self.sent: list[Sms] = []  # everything Kemala sent, oldest first
        self.topic_arn = ""  # the inbound topic, set by the stack
        self.sns = None  # an SNS client of the stack, set by the stack
        self._lock = threading.Lock()
        self.app = self._build_app()
        self._server: Any = None
        self.base_url = ""

    def inbox(self, number: str) -> list[str]:
        """What Kemala sent to this phone, oldest first."""
        with self._lock:
            return [sms.body for sms in self.sent if sms.to == number]

    def send(self, number: str, text: str, inbound_id: str | None = None) -> str:
        """A citizen texts Kemala: the two-way SMS document goes to the inbound topic. Its inbound id
        (give the id of an earlier SMS to deliver that document again, as SNS may)."""
        inbound_id = inbound_id or str(uuid.uuid4())
        self.sns.publish(TopicArn=self.topic_arn, Message=json.dumps({
            "originationNumber": number, "destinationNumber": KEMALA_NUMBER,
            "messageKeyword": text.split()[0].upper() if text.split() else "", "messageBody": text,
            "inboundMessageId": inbound_id, "previousPublishedMessageId": None,
        }))
        return inbound_id

    def _build_app(self) -> Flask:
        app = Flask("sms_emulator")

        @app.post("/")
        def operation() -> Response:
            target = request.headers.get("X-Amz-Target", "")
            if target != "PinpointSMSVoiceV2.SendTextMessage":
                return _error(400, "UnknownOperationException", f"not emulated: {target}")
            body = request.get_json(force=True, silent=True) or {}
            to, text = str(body.get("DestinationPhoneNumber", "")), str(body.get("MessageBody", ""))
            if not _E164.match(to):
                return _error(400, "ValidationException", "DestinationPhoneNumber must be E.164")
            if not text or len(text) > _MAX_BODY:
                return _error(400, "ValidationException", f"MessageBody must be 1-{_MAX_BODY} characters")
            with self._lock:
                now = time.time()
                if sum(1 for sms in self.sent if sms.at > now - 1) >= self.per_second:
                    return _error(400, "ThrottlingException", "Rate exceeded")
                sms = Sms(str(uuid.uuid4()), to, str(body.get("OriginationIdentity", "")), text, now)
                self.sent.append(sms)
            return Response(json.dumps({"MessageId": sms.message_id}), content_type="application/x-amz-json-1.0")

        return app

    def start(self) -> "SmsEmulator":
        self._server, self.base_url = serve(self.app)
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()


def _error(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"__type": code, "message": message}), status=status,
                    content_type="application/x-amz-json-1.0")
