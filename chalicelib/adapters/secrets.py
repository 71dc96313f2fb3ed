"""AWS Secrets Manager: a secret's value read with the container's botocore client and kept for
`max_age` seconds, so a rotated secret reaches warm containers within minutes.

Powertools' parameters utility would do the same, but it imports boto3 (about 0.1 s of the cold
start of every function that signs a link or talks to X).
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable

from chalicelib.adapters.clients import LazyClient

MAX_AGE = 300


class SecretReader:
    def __init__(self, client: Any, max_age: float = MAX_AGE, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._max_age = max_age
        self._clock = clock
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def text(self, name: str) -> str:
        with self._lock:
            cached = self._cache.get(name)
            if cached is None or self._clock() - cached[0] >= self._max_age:
                value = self._client.get_secret_value(SecretId=name)["SecretString"]
                cached = self._cache[name] = (self._clock(), value)
        return cached[1]

    def json(self, name: str) -> dict[str, Any]:
        return json.loads(self.text(name))


_reader: list[SecretReader] = []


def reader() -> SecretReader:
    """The container's reader (one cache for every secret the function reads)."""
    if not _reader:
        _reader.append(SecretReader(LazyClient("secretsmanager")))
    return _reader[0]


def forget() -> None:
    """Drop the cached values and client (tests, the local stack after it changed the environment)."""
    _reader.clear()
