"""SNS: agency alerts (one topic per agency, e-mail subscribed) and escalations to the governor's office."""
from __future__ import annotations

from chalicelib.domain.messages import Email

_SUBJECT_LIMIT = 100  # SNS rejects longer subjects


class SnsNotifier:
    def __init__(self, client, agency_topic_arn_prefix: str, escalation_topic_arn: str) -> None:
        self._client = client
        self._agency_prefix = agency_topic_arn_prefix
        self._escalation_arn = escalation_topic_arn

    def _publish(self, topic_arn: str, email: Email, attributes: dict[str, str]) -> str:
        response = self._client.publish(
            TopicArn=topic_arn,
            Subject=email.subject[:_SUBJECT_LIMIT],
            Message=email.body,
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
        return response["MessageId"]

    def notify_agency(self, topic: str, email: Email, ticket_id: str, agency: str) -> str:
        return self._publish(
            self._agency_prefix + topic, email, {"ticket_id": ticket_id, "agency": agency, "kind": "new_ticket"}
        )

    def escalate(self, email: Email, ticket_id: str, agency: str) -> str:
        return self._publish(self._escalation_arn, email, {"ticket_id": ticket_id, "agency": agency, "kind": "escalation"})
