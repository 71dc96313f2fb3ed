"""Composition root: the one place where adapters are built and handed to the use cases.

`kemala()` builds the application object once per Lambda container, lazily, from the settings;
tests replace it with `use(Kemala(...))` built from fakes. Observability (logger,
metrics) is created here too, so every function reports under one service name.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.adapters.channels import ChannelRegistry
from chalicelib.adapters.cognito import CognitoIdentity
from chalicelib.adapters.dynamodb import (
    DynamoBanList, DynamoCheckpointStore, DynamoCorrectionStore, DynamoIncidentStore, DynamoTicketQueries,
    DynamoTicketRepository, use_tables,
)
from chalicelib.adapters.notifications import AgencyNotifier, mailboxes
from chalicelib.adapters.photos import S3PhotoStore
from chalicelib.adapters.tasks import LambdaTasks
from chalicelib.adapters.workflow import StepFunctionsWorkflow
from chalicelib.domain import links, routing
from chalicelib.domain.directory import load_directory
from chalicelib.domain.privacy import mask
from chalicelib.domain.tickets import Ticket
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

_SECRET_MAX_AGE = 300
_current: list[Kemala] = []


def now() -> datetime:
    return datetime.now(timezone.utc)


def _secret(name: str) -> str:
    from aws_lambda_powertools.utilities import parameters  # imports boto3: only functions that need a secret pay

    return parameters.get_secret(name, max_age=_SECRET_MAX_AGE)


def link_secret() -> str:
    return _secret(get_settings().link_secret)


def open311_key() -> str:
    return _secret(get_settings().open311_api_key_secret)


def app_keys() -> dict[str, str]:
    """Partner apps' API keys: app name -> key."""
    from aws_lambda_powertools.utilities import parameters  # imports boto3: only the API pays

    return parameters.get_secret(get_settings().app_key_secret, transform="json", max_age=_SECRET_MAX_AGE)


def action_url(ticket: Ticket, action: str) -> str:
    """The signed link with which the ticket's agency acts on it from its e-mail, for the link lifetime."""
    settings = get_settings()
    link = links.SignedLink.issue(ticket.ticket_id, action, ticket.agency, now(), settings.link_lifetime)
    return link.url(settings.public_base_url, link_secret())


@lru_cache(maxsize=1)
def _botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


class _LazyClient:
    """A botocore client created on first use: a function that never publishes never loads SNS's model.
    botocore rather than boto3: the functions need no resources API, and boto3 costs a cold start ~0.1 s."""

    _lock = threading.Lock()

    def __init__(self, service: str) -> None:
        self._service = service
        self._client = None

    def __getattr__(self, name: str):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = _botocore_session().create_client(self._service)
        return getattr(self._client, name)


def _build() -> Kemala:
    settings = get_settings()
    use_tables(settings.tables)
    directory = load_directory()
    notifier = AgencyNotifier(_LazyClient("sns"), _LazyClient("sesv2"), settings.topic_arn_prefix,
                              settings.sender_email, mailboxes(directory, settings.governor_office_email))
    return Kemala(Collaborators(
        tickets=DynamoTicketRepository(),
        checkpoints=DynamoCheckpointStore(),
        corrections=DynamoCorrectionStore(),
        workflow=StepFunctionsWorkflow(_LazyClient("stepfunctions"), settings.state_machine_arn),
        notifier=notifier,
        channels=ChannelRegistry(settings),
        directory=directory,
        classify=routing.classify,
        links=action_url,
        clock=now,
        sla=settings.sla,
        own_accounts=frozenset({settings.x_handle.lower()}),
        queries=DynamoTicketQueries(),
        identity=CognitoIdentity(_LazyClient("cognito-idp"), settings.user_pool),
        open311_key=open311_key,
        photos=S3PhotoStore(_LazyClient("s3"), settings.photos_bucket),
        incidents=DynamoIncidentStore(),
        incident_window=timedelta(seconds=settings.incident_window_seconds),
        tasks=LambdaTasks(_LazyClient("lambda"), f"kemala-{settings.stage}-"),
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
