"""SNS: agency alerts and reminders (one topic per agency, e-mail subscribed), their heads, copies to
regency/city governments, escalations to the governor's office, and SMS pages to duty officers.

Topics are named `kemala-<stage>-<topic>`; `topic_arn_prefix` is everything up to the topic name.
"""
from __future__ import annotations

from chalicelib.domain.messages import Email

_SUBJECT_LIMIT = 100  # SNS rejects longer subjects


def _attributes(kind: str, ticket_id: str) -> dict:
    return {k: {"DataType": "String", "StringValue": v} for k, v in {"kind": kind, "ticket_id": ticket_id}.items()}


class SnsNotifier:
    def __init__(self, client, topic_arn_prefix: str) -> None:
        self._client = client
        self._prefix = topic_arn_prefix  # arn:...:kemala-<stage>-

    def alert(self, topic: str, email: Email, kind: str, ticket_id: str) -> str:
        response = self._client.publish(TopicArn=f"{self._prefix}{topic}", Subject=email.subject[:_SUBJECT_LIMIT],
                                        Message=email.body, MessageAttributes=_attributes(kind, ticket_id))
        return response["MessageId"]

    def page(self, topic: str, text: str, ticket_id: str) -> str:
        response = self._client.publish(TopicArn=f"{self._prefix}{topic}", Message=text,
                                        MessageAttributes=_attributes("emergency_page", ticket_id))
        return response["MessageId"]
