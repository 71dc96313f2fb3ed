"""AWS clients of a Lambda container: one botocore session, each client built on first use.

botocore rather than boto3: the functions need no resources API, and importing boto3 costs a cold
start about 0.1 s. A client is created when it is first called, so a function that never publishes
never loads SNS's service model. Every botocore session of the container (this one and PynamoDB's,
one per table model) reads botocore's data through one loader (`sharing_data`), so the endpoint
data, the list of services and each service model are loaded once, not once per session (each
session would load them again: tens of milliseconds of a cold start apiece).
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _loader() -> Any:
    from botocore.loaders import create_loader

    return create_loader()


def sharing_data(botocore_session: Any) -> Any:
    """`botocore_session`, made to read botocore's data files through the container's one loader."""
    botocore_session.register_component("data_loader", _loader())
    return botocore_session


@lru_cache(maxsize=1)
def session() -> Any:
    import botocore.session  # PynamoDB imports botocore too; here it is only needed once a client is

    return sharing_data(botocore.session.get_session())


class LazyClient:
    """A botocore client of `service`, created on the first attribute read."""

    _lock = threading.Lock()

    def __init__(self, service: str) -> None:
        self._service = service
        self._client = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = session().create_client(self._service)
        return getattr(self._client, name)
