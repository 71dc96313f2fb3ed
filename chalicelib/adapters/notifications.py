"""SNS: agency alerts (one topic per agency, e-mail subscribed), copies to regency/city governments,
and escalations to the governor's office."""
from __future__ import annotations

from chalicelib.domain.messages import Email

_SUBJECT_LIMIT = 100  # SNS rejects longer subjects


class SnsNotifier:
    def __init__(self, client, topic_arn_prefix: str, escalation_topic_arn: str) -> None:
        self._client = client
        self._prefix = topic_arn_prefix  # arn:...:kemala-<stage>-
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
            f"{self._prefix}agency-{topic}", email, {"ticket_id": ticket_id, "agency": agency, "kind": "new_ticket"}
        )

    def notify_region(self, topic: str, email: Email, ticket_id: str, region: str) -> str:
        return self._publish(f"{self._prefix}{topic}", email, {"ticket_id": ticket_id, "region": region, "kind": "copy"})

    def escalate(self, email: Email, ticket_id: str, agency: str) -> str:
        return self._publish(self._escalation_arn, email, {"ticket_id": ticket_id, "agency": agency, "kind": "escalation"})
