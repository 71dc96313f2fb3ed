"""Counts what the embedded stack did that AWS bills: Lambda invocations and their duration,
DynamoDB read and write units, SNS publishes, SES e-mails. `bench/cost.py` prices the counts.

The counters sit in the emulator, under every client: the Lambda dispatcher (each in-process
invocation, timed), moto's DynamoDB backend (units from the stored item sizes, by DynamoDB's
rules: a write is 1 unit per started KB of the larger of the item before and after, a strongly
consistent read 1 unit per started 4 KB of what is returned, at least 1), moto's SNS backend
(one publish per call, by topic) and its SES v2 backend (SES bills each recipient of a send as one
e-mail).
"""
from __future__ import annotations

import copy
import math
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.dynamodb.models import DynamoDBBackend
from moto.sesv2.models import SESV2Backend
from moto.sns.models import SNSBackend

_WRITE_UNIT, _READ_UNIT = 1024, 4096


@dataclass
class Usage:
    invocations: Counter = field(default_factory=Counter)  # function -> count
    lambda_ms: Counter = field(default_factory=Counter)  # function -> summed duration
    read_units: Counter = field(default_factory=Counter)  # table -> units
    write_units: Counter = field(default_factory=Counter)  # table -> units
    publishes: Counter = field(default_factory=Counter)  # topic name -> count
    emails: Counter = field(default_factory=Counter)  # SES recipient -> e-mails

    def minus(self, earlier: "Usage") -> "Usage":
        return Usage(*(getattr(self, f) - getattr(earlier, f) for f in self.__dataclass_fields__))


class Meter:
    """Installs the counters once per process; `snapshot()` copies what they counted so far."""

    def __init__(self) -> None:
        self.usage = Usage()
        self._lock = threading.Lock()

    def snapshot(self) -> Usage:
        with self._lock:
            return copy.deepcopy(self.usage)

    @contextmanager
    def excluded(self) -> Iterator[None]:
        """What happens inside is not counted (only exact while nothing else runs on the stack)."""
        before = self.snapshot()
        yield
        spent = self.snapshot().minus(before)
        with self._lock:
            self.usage = self.usage.minus(spent)

    def _add(self, kind: str, key: str, amount: float) -> None:
        with self._lock:
            getattr(self.usage, kind)[key] += amount

    def install(self) -> "Meter":
        meter, invoke = self, LambdaSimpleBackend.invoke

        def timed_invoke(backend, function_name, *args, **kwargs):
            began = time.perf_counter()
            try:
                return invoke(backend, function_name, *args, **kwargs)
            finally:
                name = function_name.rsplit(":", 1)[-1]
                meter._add("invocations", name, 1)
                meter._add("lambda_ms", name, (time.perf_counter() - began) * 1000)

        LambdaSimpleBackend.invoke = timed_invoke
        self._meter_dynamodb()
        publish = SNSBackend.publish

        def counted_publish(backend, message, arn, *args, **kwargs):
            meter._add("publishes", (arn or "sms").rsplit(":", 1)[-1], 1)
            return publish(backend, message, arn, *args, **kwargs)

        SNSBackend.publish = counted_publish
        send_email = SESV2Backend.send_email

        def counted_send_email(backend, source, destinations, *args, **kwargs):
            for recipient in (address for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                              for address in destinations.get(kind, [])):
                meter._add("emails", recipient, 1)
            return send_email(backend, source, destinations, *args, **kwargs)

        SESV2Backend.send_email = counted_send_email
        return self

    def _meter_dynamodb(self) -> None:
        meter = self
        put, update, get = DynamoDBBackend.put_item, DynamoDBBackend.update_item, DynamoDBBackend.get_item
        query, scan = DynamoDBBackend.query, DynamoDBBackend.scan

        def writes(table: str, size: int) -> None:
            meter._add("write_units", table, max(1, math.ceil(size / _WRITE_UNIT)))

        def reads(table: str, size: int) -> None:
            meter._add("read_units", table, max(1, math.ceil(size / _READ_UNIT)))

        def stored_size(backend, table: str, key: dict) -> int:
            item = get(backend, table, key)
            return item.size() if item else 0

        def metered_put(backend, table_name, item_attrs, *args, **kwargs):
            table = backend.get_table(table_name)
            key = {table.hash_key_attr: item_attrs[table.hash_key_attr]}
            if table.range_key_attr:
                key[table.range_key_attr] = item_attrs[table.range_key_attr]
            before = stored_size(backend, table_name, key)
            try:
                item = put(backend, table_name, item_attrs, *args, **kwargs)
            except Exception:
                writes(table_name, before)  # a failed condition still consumes the write
                raise
            writes(table_name, max(before, item.size()))
            return item

        def metered_update(backend, table_name, key, *args, **kwargs):
            before = stored_size(backend, table_name, key)
            try:
                item = update(backend, table_name, key, *args, **kwargs)
            except Exception:
                writes(table_name, before)
                raise
            writes(table_name, max(before, item.size()))
            return item

        def metered_get(backend, table_name, keys, *args, **kwargs):
            item = get(backend, table_name, keys, *args, **kwargs)
            reads(table_name, item.size() if item else 0)
            return item

        def metered_many(method):
            def metered(backend, table_name, *args, **kwargs):
                result = method(backend, table_name, *args, **kwargs)
                reads(table_name, sum(item.size() for item in result[0]))
                return result
            return metered

        DynamoDBBackend.put_item, DynamoDBBackend.update_item = metered_put, metered_update
        DynamoDBBackend.get_item = metered_get
        DynamoDBBackend.query, DynamoDBBackend.scan = metered_many(query), metered_many(scan)
