"""Composition root: builds the adapters once per Lambda container, lazily, from the settings."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

from chalicelib.adapters.dynamodb import DynamoCheckpointStore, DynamoCorrectionStore, DynamoTicketRepository
from chalicelib.adapters.notifications import SnsNotifier
from chalicelib.adapters.workflow import StepFunctionsWorkflow
from chalicelib.adapters.x_api import XApi, build_client
from chalicelib.domain import links
from chalicelib.domain.tickets import Ticket
from chalicelib.settings import get_settings

logger = Logger(service="kemala")
metrics = Metrics(namespace="Kemala", service="kemala")
tracer = Tracer(service="kemala")

_SECRET_MAX_AGE = 300


def now() -> datetime:
    return datetime.now(timezone.utc)


@lru_cache(maxsize=1)
def repo() -> DynamoTicketRepository:
    return DynamoTicketRepository()


@lru_cache(maxsize=1)
def checkpoints() -> DynamoCheckpointStore:
    return DynamoCheckpointStore()


@lru_cache(maxsize=1)
def corrections() -> DynamoCorrectionStore:
    return DynamoCorrectionStore()


@lru_cache(maxsize=1)
def workflow() -> StepFunctionsWorkflow:
    return StepFunctionsWorkflow(boto3.client("stepfunctions"), get_settings().state_machine_arn)


@lru_cache(maxsize=1)
def notifier() -> SnsNotifier:
    settings = get_settings()
    return SnsNotifier(boto3.client("sns"), settings.topic_arn_prefix, settings.escalation_topic_arn)


@lru_cache(maxsize=1)
def x_api() -> XApi:
    settings = get_settings()
    credentials = parameters.get_secret(settings.x_credentials_secret, transform="json", max_age=_SECRET_MAX_AGE)
    return XApi(build_client(credentials, settings.x_api_base_url))


def link_secret() -> str:
    return parameters.get_secret(get_settings().link_secret, max_age=_SECRET_MAX_AGE)


def action_url(ticket: Ticket, action: str) -> str:
    """The signed link with which the ticket's agency acknowledges or reassigns it."""
    return links.action_url(get_settings().public_base_url, link_secret(), ticket.ticket_id, action, ticket.agency)


def idempotency_store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=os.environ.get("IDEMPOTENCY_TABLE", "kemala-dev-idempotency"))


# A replayed step inside this window returns the first result instead of posting again.
idempotency_config = IdempotencyConfig(expires_after_seconds=7 * 24 * 3600)
