"""Notifications to agencies: e-mail through Amazon SES, machine subscribers, SMS and paging through SNS.

An alert (new ticket, copy, reminder, escalation) goes by SES to the topic's mailbox (the agency, its
head, the regency/city government, the governor's office: see `mailboxes`) as text and HTML, with no
unsubscribe link a mail scanner could follow, and is published on the SNS topic of the same name for
machine subscribers. Pages go to the duty officers' SMS topics. Topics are named `kemala-<stage>-<topic>`;
`topic_arn_prefix` is everything up to the topic name.

`unreachable` is the scheduled check behind the UnreachableRecipients alarm: a topic someone must hear
with no confirmed subscriber, an e-mail subscription whose unsubscribe needs no authentication, a
duty phone that opted out of SMS.
"""
from __future__ import annotations

from typing import Mapping

from chalicelib.domain.directory import Directory
from chalicelib.domain.messages import Email

_SUBJECT_LIMIT = 100  # SNS rejects longer subjects
_PENDING = "PendingConfirmation"


def _attributes(kind: str, ticket_id: str) -> dict:
    return {k: {"DataType": "String", "StringValue": v} for k, v in {"kind": kind, "ticket_id": ticket_id}.items()}


def mailboxes(directory: Directory, governor_office: str) -> dict[str, str]:
    """Which mailbox reads each alert topic."""
    boxes = {"escalations": governor_office}
    for agency in directory:
        boxes[f"agency-{agency.topic}"] = agency.email
        boxes[f"agency-{agency.head_topic}"] = agency.head_email
    boxes.update({office.topic: office.email for office in directory.regions.values()})
    return boxes


class AgencyNotifier:
    def __init__(self, sns, ses, topic_arn_prefix: str, sender: str, boxes: Mapping[str, str]) -> None:
        self._sns, self._ses = sns, ses  # boto3 "sns" and "sesv2" clients
        self._prefix = topic_arn_prefix  # arn:...:kemala-<stage>-
        self._sender, self._boxes = sender, boxes

    def alert(self, topic: str, email: Email, kind: str, ticket_id: str) -> str:
        """SNS first: a retry after an SES failure repeats the machine message (deduplicated by its
        attributes), never a mail a person already has."""
        response = self._sns.publish(TopicArn=f"{self._prefix}{topic}", Subject=email.subject[:_SUBJECT_LIMIT],
                                     Message=email.body, MessageAttributes=_attributes(kind, ticket_id))
        if topic in self._boxes:
            self._ses.send_email(
                FromEmailAddress=self._sender, Destination={"ToAddresses": [self._boxes[topic]]},
                Content={"Simple": {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": {
                    "Text": {"Data": email.body, "Charset": "UTF-8"}, "Html": {"Data": email.html, "Charset": "UTF-8"}}}},
                EmailTags=[{"Name": "kind", "Value": kind}, {"Name": "ticket_id", "Value": ticket_id}])
        return response["MessageId"]

    def page(self, topic: str, text: str, ticket_id: str) -> str:
        response = self._sns.publish(TopicArn=f"{self._prefix}{topic}", Message=text,
                                     MessageAttributes=_attributes("emergency_page", ticket_id))
        return response["MessageId"]

    def unreachable(self, topics: list[str]) -> list[str]:
        """What is wrong with each of `topics` that someone must hear, in words for the operators."""
        problems = []
        for topic in topics:
            pages = self._sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=f"{self._prefix}{topic}")
            confirmed = [s for page in pages for s in page["Subscriptions"] if s["SubscriptionArn"] != _PENDING]
            if not confirmed:
                problems.append(f"{topic}: no confirmed subscriber")
            for subscription in confirmed:
                problems += self._subscription_problems(topic, subscription)
        return problems

    def _subscription_problems(self, topic: str, subscription: dict) -> list[str]:
        if subscription["Protocol"] == "sms":
            opted_out = self._sns.check_if_phone_number_is_opted_out(phoneNumber=subscription["Endpoint"])
            return [f"{topic}: {subscription['Endpoint']} opted out of SMS"] if opted_out["isOptedOut"] else []
        if subscription["Protocol"] == "email":
            attributes = self._sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
            if attributes["Attributes"].get("ConfirmationWasAuthenticated") != "true":
                return [f"{topic}: {subscription['Endpoint']} can unsubscribe without signing in"]
        return []
