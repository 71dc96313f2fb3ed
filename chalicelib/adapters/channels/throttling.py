"""AWS messaging services (End User Messaging, SES) say "slow down" with an error code: that becomes
the channel contract's RateLimitedError, so the workflow queues the message behind the limit."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from botocore.exceptions import ClientError

from chalicelib.services.ports import RateLimitedError

THROTTLED = {"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException",
             "LimitExceededException"}


@contextmanager
def throttling_is_rate_limit() -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in THROTTLED:
            raise RateLimitedError(None) from error
        raise
