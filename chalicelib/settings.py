"""Typed settings of the deployed functions, read once from the environment.

Every name and default is defined here and nowhere else: `.chalice/config.json` sets the stage's
variables, the merge template adds per-function ARNs, and the embedded local stack sets the same
variables. Table names follow `kemala-<stage>-<table>` unless a variable says otherwise.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from chalicelib.domain.sla import SlaPolicy

HASHTAG = "#KemalaJateng"
KEMALA_X_HANDLE = "KemalaJateng"


@dataclass(frozen=True)
class Tables:
    tickets: str
    checkpoints: str
    corrections: str
    incidents: str

    @classmethod
    def for_stage(cls, stage: str, env: Mapping[str, str]) -> "Tables":
        def name(kind: str) -> str:
            return env.get(f"{kind.upper()}_TABLE") or f"kemala-{stage}-{kind}"

        return cls(name("tickets"), name("checkpoints"), name("corrections"), name("incidents"))


@dataclass(frozen=True)
class Settings:
    stage: str
    tables: Tables
    topic_arn_prefix: str  # arn:aws:sns:<region>:<account>:kemala-<stage>-
    state_machine_arn: str
    x_handle: str
    x_query: str
    x_credentials_secret: str
    x_api_base_url: str | None
    link_secret: str
    public_base_url: str
    poll_max_pages: int
    sms_origination: str  # End User Messaging phone number or pool that sends Kemala's SMS
    sms_endpoint_url: str | None
    email_sender: str  # the SES identity citizens' e-mails come from
    photos_bucket: str
    app_key_secret: str  # API keys of partner apps (JSON: {"<app name>": "<key>"})
    incident_window_seconds: int  # how long an incident takes new reports
    sla: SlaPolicy

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
            state_machine_arn=env.get("STATE_MACHINE_ARN", ""),
            x_handle=handle,
            x_query=env.get("X_QUERY", f"{HASHTAG} -is:retweet -from:{handle}"),
            x_credentials_secret=env.get("X_CREDENTIALS_SECRET", f"kemala-{stage}-x-credentials"),
            x_api_base_url=env.get("X_API_BASE_URL") or None,
            link_secret=env.get("LINK_SECRET", f"kemala-{stage}-link-secret"),
            public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
            poll_max_pages=int(env.get("POLL_MAX_PAGES", "10")),
            sms_origination=env.get("SMS_ORIGINATION_IDENTITY", f"kemala-{stage}-sms"),
            sms_endpoint_url=env.get("SMS_ENDPOINT_URL") or None,
            email_sender=env.get("EMAIL_SENDER", "laporgub@kemala.example"),
            photos_bucket=env.get("PHOTOS_BUCKET", f"kemala-{stage}-photos"),
            app_key_secret=env.get("APP_KEY_SECRET", f"kemala-{stage}-app-keys"),
            incident_window_seconds=int(env.get("INCIDENT_WINDOW_SECONDS", str(24 * 3600))),
            sla=SlaPolicy(seconds("RESPONSE_SLA_SECONDS"), seconds("RESOLUTION_SLA_SECONDS"), seconds("LADDER_STEP_SECONDS")),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
