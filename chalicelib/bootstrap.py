"""Composition root: the one place where adapters are built and handed to the use cases.

`kemala()` builds the application object once per Lambda container, lazily, from the settings;
tests replace it with `use(Kemala(...))` built from fakes. Observability (logger,
metrics) is created here too, so every function reports under one service name.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.adapters import secrets
from chalicelib.adapters.channels import ChannelRegistry
from chalicelib.adapters.clients import LazyClient
from chalicelib.adapters.cognito import CognitoIdentity
from chalicelib.adapters.dynamodb import (
    DynamoBanList, DynamoCheckpointStore, DynamoCorrectionStore, DynamoIncidentStore, DynamoReceiptStore,
    DynamoTicketQueries, DynamoTicketRepository, use_tables,
)
from chalicelib.adapters.notifications import AgencyNotifier, mailboxes
from chalicelib.adapters.photos import S3PhotoStore
from chalicelib.adapters.tasks import LambdaTasks
from chalicelib.adapters.workflow import StepFunctionsWorkflow
from chalicelib.domain import links
from chalicelib.domain.directory import load_directory
from chalicelib.domain.privacy import mask
from chalicelib.domain.tickets import Classification, Ticket
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.kemala import Kemala
from chalicelib.settings import get_settings



class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON log lines with every phone number, NIK and e-mail address masked, whatever
    logged them (a message, an extra field, an exception's text): personal data never reaches the logs."""

    def serialize(self, log: dict) -> str:
        return mask(super().serialize(log))


logger = Logger(service="kemala", logger_formatter=MaskingFormatter())
metrics = Metrics(namespace="Kemala", service="kemala")

_current: list[Kemala] = []


def now() -> datetime:
    return datetime.now(timezone.utc)


def link_secret() -> str:
    return secrets.reader().text(get_settings().link_secret)


def open311_key() -> str:
    return secrets.reader().text(get_settings().open311_api_key_secret)


def app_keys() -> dict[str, str]:
    """Partner apps' API keys: app name -> key."""
    return secrets.reader().json(get_settings().app_key_secret)


def action_url(ticket: Ticket, action: str) -> str:
    """The signed link with which the ticket's agency acts on it from its e-mail, for the link lifetime."""
    settings = get_settings()
    link = links.SignedLink.issue(ticket.ticket_id, action, ticket.agency, now(), settings.link_lifetime)
    return link.url(settings.public_base_url, link_secret())


def _classify(text: str) -> Classification:
    from chalicelib.domain import routing  # the routing model and gazetteer: only Classify loads them

    return routing.classify(text)


def _build() -> Kemala:
    settings = get_settings()
    use_tables(settings.tables)
    directory = load_directory()
    notifier = AgencyNotifier(LazyClient("sns"), LazyClient("sesv2"), settings.topic_arn_prefix,
                              settings.sender_email, mailboxes(directory, settings.governor_office_email),
                              settings.mail_configuration_set)
    return Kemala(Collaborators(
        tickets=DynamoTicketRepository(),
        checkpoints=DynamoCheckpointStore(),
        corrections=DynamoCorrectionStore(),
        workflow=StepFunctionsWorkflow(LazyClient("stepfunctions"), settings.state_machine_arn),
        notifier=notifier,
        channels=ChannelRegistry(settings),
        directory=directory,
        classify=_classify,
        links=action_url,
        clock=now,
        receipts=DynamoReceiptStore(),
        alert_receipt_wait=settings.alert_receipt_wait,
        sla=settings.sla,
        own_accounts=frozenset({settings.x_handle.lower()}),
        queries=DynamoTicketQueries(),
        identity=CognitoIdentity(LazyClient("cognito-idp"), settings.user_pool),
        open311_key=open311_key,
        photos=S3PhotoStore(LazyClient("s3"), settings.photos_bucket),
        incidents=DynamoIncidentStore(),
        incident_window=timedelta(seconds=settings.incident_window_seconds),
        tasks=LambdaTasks(LazyClient("lambda"), f"kemala-{settings.stage}-"),
        bans=DynamoBanList(),
        author_hourly_limit=settings.author_hourly_limit,
    ))


def kemala() -> Kemala:
    if not _current:
        _current.append(_build())
    return _current[0]


def use(instance: Kemala) -> None:
    """Replace the application object (tests, the local stack after it changed the environment)."""
    _current[:] = [instance]


def reset() -> None:
    """Forget the built application and settings: the next call builds them from the environment."""
    _current.clear()
    get_settings.cache_clear()
    secrets.forget()
