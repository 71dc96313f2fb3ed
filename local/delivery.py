"""Deliveries between AWS services that moto leaves out, made the way AWS makes them.

- SNS to a Lambda subscription: AWS invokes the function asynchronously with the SNS event,
  message attributes included (moto's own path drops them); here the function runs in-process on a
  thread, like every other invocation of the local stack.
- SES event publishing: an e-mail sent through a configuration set whose event destination is an
  SNS topic makes SES publish a Send event (SES's event JSON, with the message's tags) to that topic.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Callable

from moto.sesv2.responses import SESV2Response
from moto.sns.models import Subscription, sns_backends

Invoke = Callable[[str, dict], None]  # (function name, event): an asynchronous invocation

_sns_publish = Subscription.publish
_ses_send_email = SESV2Response.send_email
_invoke: list[Invoke] = []


def _publish(self: Subscription, message: str, message_id: str, subject: str | None = None,
             message_attributes: dict | None = None, group_id: str | None = None,
             deduplication_id: str | None = None, message_structure: str | None = None) -> None:
    if self.protocol != "lambda":
        return _sns_publish(self, message, message_id, subject, message_attributes, group_id, deduplication_id,
                            message_structure)
    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes, message):
        return None
    event = {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": self.arn, "Sns": {
        "Type": "Notification", "MessageId": message_id, "TopicArn": self.topic.arn, "Subject": subject,
        "Message": message, "Timestamp": datetime.now(timezone.utc).isoformat(),
        "MessageAttributes": {name: {"Type": v["Type"], "Value": v["Value"]}
                              for name, v in (message_attributes or {}).items()}}}]}
    _invoke[0](self.endpoint.split(":")[6], event)
    return None


def _send_email(self: SESV2Response) -> str:
    response = _ses_send_email(self)
    request = json.loads(self.body)
    destination = self.sesv2_backend.core_backend.config_set_event_destination.get(
        request.get("ConfigurationSetName") or "")
    if not destination or str(destination.get("Enabled", "true")).lower() == "false":
        return response
    kinds = [kind.lower() for kind in destination.get("MatchingEventTypes", [])]
    topic_arn = (destination.get("SNSDestination") or {}).get("TopicARN")
    if "send" not in kinds or not topic_arn:
        return response
    addresses = request.get("Destination", {})
    event = {"eventType": "Send", "send": {}, "mail": {
        "timestamp": datetime.now(timezone.utc).isoformat(), "messageId": json.loads(response)["MessageId"],
        "source": request.get("FromEmailAddress"), "destination": sum(addresses.values(), []),
        "commonHeaders": {"subject": request.get("Content", {}).get("Simple", {}).get("Subject", {}).get("Data")},
        "tags": {tag["Name"]: [tag["Value"]] for tag in request.get("EmailTags", [])}}}
    sns_backends[self.current_account][self.region].publish(json.dumps(event), arn=topic_arn)
    return response


def install(invoke: Invoke) -> None:
    """Patch moto's SNS and SES v2 (idempotent); `invoke` runs a function asynchronously."""
    _invoke[:] = [invoke]
    Subscription.publish = _publish
    SESV2Response.send_email = _send_email

