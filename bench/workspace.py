"""Loads N tickets (default 100,000: a year of complaints) into the embedded stack's tickets table
and prints the latency of the queue page, the overview and the monthly report, each read through
the table's indexes and measured end to end over HTTP with a governor's office session.
`python bench/workspace.py [N]`; `make bench-workspace`.

Tickets are made by the domain's own transitions (80% acknowledged, 80% of those resolved) and
written straight into the emulator's table (the same items PynamoDB would write; an HTTP batch
write of 100,000 items takes about 9 minutes and measures nothing this benchmark is about)."""
from __future__ import annotations

import random
import statistics
import sys
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from chalicelib.adapters.dynamodb import TicketModel, _to_model  # noqa: E402
from local.aws import ACCOUNT, REGION  # noqa: E402
from chalicelib.domain.tickets import Classification, Ticket  # noqa: E402
from local.accounts import create_demo_accounts  # noqa: E402
from local.stack import LocalStack  # noqa: E402


def tickets(n: int, directory, sla, seed: int = 1):
    rng, start = random.Random(seed), datetime.now(timezone.utc) - timedelta(days=365)
    codes = [a.code for a in directory]
    regions = list(directory.regions)
    for i in range(n):
        at = start + timedelta(seconds=rng.randrange(365 * 86400))
        agency = rng.choice(codes)
        a = directory[agency]
        t = Ticket(f"B{i}", "x", str(i), "jalan rusak di depan pasar, mohon segera diperbaiki", at)
        urgency = rng.choice(["NORMAL", "NORMAL", "HIGH", "EMERGENCY"])
        t.classify(Classification(agency, rng.choice(regions), urgency, 0.9, ["jalan"]), at)
        t.assign(agency, sla.deadlines(a.sla, urgency, a.ladder_hours, at), at)
        t.mark_notified(at + timedelta(seconds=3))
        if rng.random() < 0.8:
            t.acknowledge(agency, at + timedelta(hours=rng.expovariate(1 / 10)))
            if rng.random() < 0.8:
                t.resolve(agency, "selesai", at + timedelta(hours=rng.uniform(12, 200)))
        yield t


def load(n: int, c) -> None:
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[ACCOUNT][REGION]
    for ticket in tickets(n, c.directory, c.sla):
        backend.put_item(TicketModel.Meta.table_name, _to_model(ticket).serialize())


def timed(label: str, call, runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    print(f"{label:<40} median {statistics.median(times) * 1000:8.0f} ms  max {max(times) * 1000:8.0f} ms", flush=True)


def main() -> None:
    import requests

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    stack = LocalStack().start()
    from chalicelib.bootstrap import kemala
    c = kemala().collaborators
    create_demo_accounts()
    began = time.perf_counter()
    load(n, c)
    print(f"loaded {n} tickets in {time.perf_counter() - began:.0f} s", flush=True)
    session = requests.Session()
    session.post(f"{stack.api_url}/workspace/login", data={"username": "biro-gubernur", "password": "Kemala-Demo-2026"})
    month = f"{datetime.now(timezone.utc) - timedelta(days=40):%Y-%m}"
    timed("queue page (DPUBMCK, open tickets)", lambda: session.get(f"{stack.api_url}/workspace/queue?agency=DPUBMCK"))
    timed("overview (current month)", lambda: session.get(f"{stack.api_url}/workspace/overview"))
    timed(f"monthly report {month} (HTML)", lambda: session.get(f"{stack.api_url}/workspace/report?month={month}"))
    timed(f"monthly report {month} (CSV)",
          lambda: session.get(f"{stack.api_url}/workspace/report?month={month}&format=csv"))
    stack.stop()


if __name__ == "__main__":
    main()
