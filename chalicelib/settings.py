"""Typed settings of the deployed functions, read once from the environment (.chalice/config.json
and the template's per-function variables). Table names are read where the tables are modelled
(adapters/dynamodb.py, the idempotency layer), since PynamoDB binds them at class definition."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    topic_arn_prefix: str
    escalation_topic_arn: str
    state_machine_arn: str
    x_query: str
    x_credentials_secret: str
    link_secret: str
    public_base_url: str
    response_sla_override_seconds: int | None
    poll_max_pages: int
    x_api_base_url: str | None

    @classmethod
    def from_env(cls, env: os._Environ | dict = os.environ) -> "Settings":
        override = env.get("RESPONSE_SLA_OVERRIDE_SECONDS")
        return cls(
            topic_arn_prefix=env.get("TOPIC_ARN_PREFIX", ""),
            escalation_topic_arn=env.get("ESCALATION_TOPIC_ARN", ""),
            state_machine_arn=env.get("STATE_MACHINE_ARN", ""),
            x_query=env.get("X_QUERY", "#KemalaJateng -is:retweet"),
            x_credentials_secret=env.get("X_CREDENTIALS_SECRET", ""),
            link_secret=env.get("LINK_SECRET", ""),
            public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
            response_sla_override_seconds=int(override) if override else None,
            poll_max_pages=int(env.get("POLL_MAX_PAGES", "10")),
            x_api_base_url=env.get("X_API_BASE_URL") or None,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
