"""AWS clients of a Lambda container: one botocore session, each client built on first use.

botocore rather than boto3: the functions need no resources API, and importing boto3 costs a cold
start about 0.1 s. A client is created when it is first called, so a function that never publishes
never loads SNS's service model. Both botocore sessions of the container (this one and the one
PynamoDB's table models share, see `dynamodb.use_tables`) read botocore's data through one loader
(`sharing_data`), so the endpoint data and each service model are loaded once.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any


class _AnyName:
    """Answers "is this a known service?" with yes: the model's own directory is looked up next."""

    def __contains__(self, service_name: object) -> bool:
        return True


@lru_cache(maxsize=1)
def _loader() -> Any:
    """botocore's loader, without the scan of its ~400 service directories before a first model loads.

    botocore lists every service directory (twice: service models and endpoint rule sets) only to
    check the name it was given; that scan is about 20 ms of every cold start. The model is then
    looked up in its own directory, so a wrong name still fails (`DataNotFoundError`).
    """
    from botocore.loaders import Loader

    class ScanFreeLoader(Loader):
        def list_available_services(self, type_name: str) -> Any:
            return _AnyName()

    return ScanFreeLoader()


def sharing_data(botocore_session: Any) -> Any:
    """`botocore_session`, made to read botocore's data files through the container's one loader."""
    botocore_session.register_component("data_loader", _loader())
    return botocore_session


def new_session() -> Any:
    """A botocore session reading through the container's loader (about 15 ms: ~850 handlers to register)."""
    import botocore.session  # PynamoDB imports botocore too; here it is only needed once a client is

    return sharing_data(botocore.session.get_session())


@lru_cache(maxsize=1)
def session() -> Any:
    """The session the LazyClients create their clients from (one at a time, under their lock)."""
    return new_session()


class LazyClient:
    """A botocore client of `service`, created on the first attribute read."""

    _lock = threading.Lock()

    def __init__(self, service: str, endpoint_url: str | None = None) -> None:
        self._service = service
        self._endpoint_url = endpoint_url
        self._client = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = session().create_client(self._service, endpoint_url=self._endpoint_url)
        return getattr(self._client, name)
