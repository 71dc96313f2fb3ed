"""Typed settings of the deployed functions, read once from the environment.

Every name and default is defined here and nowhere else: `.chalice/config.json` sets the stage's
variables, the merge template adds per-function ARNs, and the embedded local stack sets the same
variables. Table names follow `kemala-<stage>-<table>` unless a variable says otherwise.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Mapping

from chalicelib.domain.sla import SlaPolicy

HASHTAG = "#KemalaJateng"
PHOTO_MAX_BYTES = 4 * 1024 * 1024  # API Gateway passes 10 MB, Lambda 6 MB of base64: 4 MB of photo fits both
KEMALA_X_HANDLE = "KemalaJateng"


@dataclass(frozen=True)
class Tables:
    tickets: str
    checkpoints: str
    corrections: str
    incidents: str
    bans: str

    @classmethod
    def for_stage(cls, stage: str, env: Mapping[str, str]) -> "Tables":
        def name(kind: str) -> str:
            return env.get(f"{kind.upper()}_TABLE") or f"kemala-{stage}-{kind}"

        return cls(name("tickets"), name("checkpoints"), name("corrections"), name("incidents"), name("bans"))


@dataclass(frozen=True)
class UserPool:
    """The Cognito user pool the workspace signs people in with, and where its signing keys are."""

    pool_id: str
    client_id: str
    region: str
    jwks_url: str  # the pool's public keys; the local stack serves them from the emulator

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "UserPool":
        pool_id, region = env.get("USER_POOL_ID", ""), env.get("AWS_REGION", "ap-southeast-3")
        jwks = env.get("USER_POOL_JWKS_URL") or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}/.well-known/jwks.json"
        return cls(pool_id, env.get("USER_POOL_CLIENT_ID", ""), region, jwks)


@dataclass(frozen=True)
class Settings:
    stage: str
    tables: Tables
    topic_arn_prefix: str  # arn:aws:sns:<region>:<account>:kemala-<stage>-
    sender_email: str  # agencies' e-mail comes from this SES identity
    mail_configuration_set: str  # SES configuration set whose event destination confirms each e-mail sent
    alert_receipt_wait: timedelta  # how long a begun, unconfirmed alert may still be in flight
    governor_office_email: str  # where escalations are e-mailed
    state_machine_arn: str
    x_handle: str
    x_query: str
    x_credentials_secret: str
    x_api_base_url: str | None
    link_secret: str
    link_lifetime: timedelta  # how long an e-mailed action link works (past the longest resolution deadline)
    public_base_url: str
    poll_max_pages: int  # searches per poll and stream
    poll_page_size: int  # tweets per search (X: 10 to 100)
    sms_origination: str  # End User Messaging phone number or pool that sends Kemala's SMS
    sms_endpoint_url: str | None
    email_sender: str  # the SES identity citizens' e-mails come from
    photos_bucket: str
    app_key_secret: str  # API keys of partner apps (JSON: {"<app name>": "<key>"})
    incident_window_seconds: int  # how long an incident takes new reports
    author_hourly_limit: int  # messages per hour from one account/number/address before they go to the triage desk
    sla: SlaPolicy
    user_pool: "UserPool"
    open311_api_key_secret: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        stage = env.get("STAGE", "dev")
        handle = env.get("X_HANDLE", KEMALA_X_HANDLE)

        def seconds(name: str) -> int | None:
            return int(env[name]) if env.get(name) else None
        return cls(
            stage=stage,
            tables=Tables.for_stage(stage, env),
            topic_arn_prefix=env.get("TOPIC_ARN_PREFIX", ""),
            sender_email=env.get("SENDER_EMAIL", "kemala@kemala.example"),
            mail_configuration_set=env.get("MAIL_CONFIGURATION_SET", f"kemala-{stage}-mail"),
            alert_receipt_wait=timedelta(seconds=int(env.get("ALERT_RECEIPT_SECONDS", "120"))),
            governor_office_email=env.get("GOVERNOR_OFFICE_EMAIL", "biro-umum@kemala.example"),
            state_machine_arn=env.get("STATE_MACHINE_ARN", ""),
            x_handle=handle,
            x_query=env.get("X_QUERY", f"{HASHTAG} -is:retweet -from:{handle}"),
            x_credentials_secret=env.get("X_CREDENTIALS_SECRET", f"kemala-{stage}-x-credentials"),
            x_api_base_url=env.get("X_API_BASE_URL") or None,
            link_secret=env.get("LINK_SECRET", f"kemala-{stage}-link-secret"),
            link_lifetime=timedelta(seconds=int(env.get("LINK_LIFETIME_SECONDS", str(14 * 24 * 3600)))),
            public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
            poll_max_pages=int(env.get("POLL_MAX_PAGES", "10")),
            poll_page_size=int(env.get("POLL_PAGE_SIZE", "100")),
            sms_origination=env.get("SMS_ORIGINATION_IDENTITY", f"kemala-{stage}-sms"),
            sms_endpoint_url=env.get("SMS_ENDPOINT_URL") or None,
            email_sender=env.get("EMAIL_SENDER", "laporgub@kemala.example"),
            photos_bucket=env.get("PHOTOS_BUCKET", f"kemala-{stage}-photos"),
            app_key_secret=env.get("APP_KEY_SECRET", f"kemala-{stage}-app-keys"),
            incident_window_seconds=int(env.get("INCIDENT_WINDOW_SECONDS", str(24 * 3600))),
            author_hourly_limit=int(env.get("AUTHOR_HOURLY_LIMIT", "10")),
            sla=SlaPolicy(seconds("RESPONSE_SLA_SECONDS"), seconds("RESOLUTION_SLA_SECONDS"), seconds("LADDER_STEP_SECONDS")),
            user_pool=UserPool.from_env(env),
            open311_api_key_secret=env.get("OPEN311_API_KEY_SECRET", f"kemala-{stage}-open311-api-key"),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
