"""Asynchronous tasks as event invocations of Kemala's own Lambda functions (`kemala-<stage>-<task>`):
Lambda queues the event, retries it twice on failure, and the caller returns at once."""
from __future__ import annotations

import json


class LambdaTasks:
    def __init__(self, client, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def run_later(self, task: str, payload: dict) -> None:
        self._client.invoke(FunctionName=f"{self._prefix}{task}", InvocationType="Event",
                            Payload=json.dumps(payload).encode("utf-8"))
