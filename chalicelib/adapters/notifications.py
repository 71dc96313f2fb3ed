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

import json
from typing import Mapping

from chalicelib.domain.directory import Directory
from chalicelib.domain.messages import Email

_SUBJECT_LIMIT = 100  # SNS rejects longer subjects
_PENDING = "PendingConfirmation"


def _attributes(kind: str, ticket_id: str, key: str) -> dict:
    values = {"kind": kind, "ticket_id": ticket_id, "alert": key}
    return {k: {"DataType": "String", "StringValue": v} for k, v in values.items()}


def mailboxes(directory: Directory, governor_office: str) -> dict[str, str]:
    """Which mailbox reads each alert topic."""
    boxes = {"escalations": governor_office}
    for agency in directory:
        boxes[f"agency-{agency.topic}"] = agency.email
        boxes[f"agency-{agency.head_topic}"] = agency.head_email
    boxes.update({office.topic: office.email for office in directory.regions.values()})
    return boxes


class AgencyNotifier:
    def __init__(self, sns, ses, topic_arn_prefix: str, sender: str, boxes: Mapping[str, str],
                 configuration_set: str) -> None:
        self._sns, self._ses = sns, ses  # botocore "sns" and "sesv2" clients
        self._prefix = topic_arn_prefix  # arn:...:kemala-<stage>-
        self._sender, self._boxes = sender, boxes
        self._configuration_set = configuration_set  # its event destination publishes SES's Send events

    def parts(self, topic: str) -> tuple[str, ...]:
        return ("sns", "ses") if topic in self._boxes else ("sns",)

    def alert(self, topic: str, email: Email, kind: str, ticket_id: str, key: str, parts: tuple[str, ...]) -> None:
        """The machine message on the topic, then the e-mail to its mailbox; `key` rides along as a
        message attribute and an e-mail tag, so the receipts name the alert."""
        if "sns" in parts:
            self._publish(ticket_id, topic, email.body, _attributes(kind, ticket_id, key), email.subject)
        if "ses" in parts:
            self._mail(ticket_id, self._boxes[topic], email, {"kind": kind, "ticket_id": ticket_id, "alert": key})

    def page(self, topic: str, text: str, ticket_id: str, key: str) -> None:
        self._publish(ticket_id, topic, text, _attributes("emergency_page", ticket_id, key))

    def _publish(self, ticket_id: str, topic: str, text: str, attributes: dict, subject: str | None = None) -> None:
        extra = {"Subject": subject[:_SUBJECT_LIMIT]} if subject else {}
        self._sns.publish(TopicArn=f"{self._prefix}{topic}", Message=text, MessageAttributes=attributes, **extra)

    def _mail(self, ticket_id: str, mailbox: str, email: Email, tags: dict[str, str]) -> None:
        self._ses.send_email(
            FromEmailAddress=self._sender, Destination={"ToAddresses": [mailbox]},
            Content={"Simple": {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": {
                "Text": {"Data": email.body, "Charset": "UTF-8"}, "Html": {"Data": email.html, "Charset": "UTF-8"}}}},
            EmailTags=[{"Name": name, "Value": value} for name, value in tags.items()],
            ConfigurationSetName=self._configuration_set)

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


def receipts_in(event: dict) -> list[tuple[str, str]]:
    """(ticket id, receipt) for each confirmation in an SNS event delivered to `record_receipts`: an
    alert published on an agency topic (its `alert` attribute), or SES's Send event for an e-mail
    (its `alert` tag). Anything else (a bounce, a message without the attributes) confirms nothing."""
    found = []
    for record in event.get("Records", []):
        sns = record.get("Sns", {})
        attributes = {name: value.get("Value") for name, value in (sns.get("MessageAttributes") or {}).items()}
        if attributes.get("alert") and attributes.get("ticket_id"):
            found.append((attributes["ticket_id"], f"sns:{attributes['alert']}"))
            continue
        try:
            mail_event = json.loads(sns.get("Message") or "")
        except ValueError:
            continue
        if not isinstance(mail_event, dict) or mail_event.get("eventType") != "Send":
            continue
        tags = mail_event.get("mail", {}).get("tags", {})
        if tags.get("alert") and tags.get("ticket_id"):
            found.append((tags["ticket_id"][0], f"ses:{tags['alert'][0]}"))
    return found
