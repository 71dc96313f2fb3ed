"""Flood benchmark: an hour of #KemalaJateng traffic (10,000 tweets by default, with retweets and repeated
texts) released in bursts into the X emulator, search rate limits enforced, polled the way the schedule
does (one poll per simulated minute, each within its page and time budget) through the embedded stack.

Prints tickets, duplicates, lost, time to drain, and the peak StartExecution and DynamoDB write rates
next to AWS's quotas. Compressed time: one simulated minute lasts `--minute` seconds; X's rate-limit
windows stay in real time, so the emulator is stricter than X would be for the same flood.

By default the workflows are started (StartExecution is called for every ticket, through the real
adapter) but not executed: the local stack runs Step Functions in-process and cannot run 10,000 workflows
in minutes; `--execute` runs them too (use it with fewer tweets, e.g. `--tweets 300`).

    make bench-flood [TWEETS_COUNT=10000]        python bench/flood.py --tweets 10000 --minute 1 [--pages 2]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.domain.tickets import ticket_id_for  # noqa: E402
from local import faults  # noqa: E402
from local.observe import TicketWatcher  # noqa: E402
from local.stack import LocalStack  # noqa: E402

MINUTES = 60
STEP_FUNCTIONS_START_REFILL = 150  # per second, bucket 800 (../shared/notes/local-stack.md)
STEP_FUNCTIONS_START_BUCKET = 800
DYNAMODB_NEW_ON_DEMAND_WRITES = 4000  # per second a new on-demand table sustains at first (AWS docs)
PLACES = ["Semarang", "Solo", "Magelang", "Tegal", "Pekalongan", "Salatiga", "Kudus", "Pati", "Klaten", "Boyolali"]
PROBLEMS = ["Jalan rusak berlubang", "Lampu lalu lintas mati", "Sampah menumpuk", "Banjir setinggi lutut",
            "Air PDAM tidak mengalir", "Antrean BPJS sangat panjang", "Pungli di kantor kelurahan"]


def bursts(total: int, rng: random.Random) -> list[int]:
    """Tweets per minute over an hour: a steady trickle with a viral spike from minute 20 to 30."""
    weights = [10.0 if 20 <= minute < 30 else 1.0 + rng.random() for minute in range(MINUTES)]
    counts = [int(total * w / sum(weights)) for w in weights]
    counts[25] += total - sum(counts)
    return counts


def release(stack, count: int, rng: random.Random, recent: list) -> tuple[int, int]:
    """One minute's tweets: ~5% retweets (not complaints), ~5% a citizen repeating an earlier text."""
    retweets = repeats = 0
    for _ in range(count):
        roll = rng.random()
        if roll < 0.05 and recent:
            stack.x.release(f"RT {rng.choice(recent).text}", "penggemar", is_retweet=True)
            retweets += 1
        elif roll < 0.10 and recent:
            earlier = rng.choice(recent)
            recent.append(stack.x.release(earlier.text, earlier.username))
            repeats += 1
        else:
            text = f"{rng.choice(PROBLEMS)} di {rng.choice(PLACES)} RT {rng.randint(1, 20)} #KemalaJateng"
            recent.append(stack.x.release(text, f"warga{rng.randint(1, 5000)}"))
    return retweets, repeats


def record_only(stack) -> None:
    """Step Functions that records executions without running them: the same state machine, created
    again in moto's non-executing backend (the two backends do not share state machines)."""
    sfn = stack.aws.session().client("stepfunctions")
    machine = sfn.describe_state_machine(stateMachineArn=stack.state_machine_arn)
    requests.post(f"{stack.aws.endpoint}/moto-api/config",
                  json={"stepfunctions": {"execute_state_machine": False}}, timeout=10).raise_for_status()
    sfn.create_state_machine(name=machine["name"], definition=machine["definition"], roleArn=machine["roleArn"])


def poll(stack, figures: dict) -> dict:
    result = stack.poll()
    figures["polls"] += 1
    figures["created"] += result["created"]
    figures["pages"] += result["pages"]
    figures["stopped"][result["stopped"]] = figures["stopped"].get(result["stopped"], 0) + 1
    return result


def run(total: int, minute: float, execute: bool, seed: int) -> dict:
    rng = random.Random(seed)
    stack = LocalStack().start()
    faults.install()
    if not execute:
        record_only(stack)
    figures = {"polls": 0, "created": 0, "pages": 0, "stopped": {}, "retweets": 0, "repeated_texts": 0}
    recent: list = []
    try:
        faults.FAULTS.recording = True
        started = time.time()
        for minute_no, count in enumerate(bursts(total, rng)):
            tick = time.time()
            retweets, repeats = release(stack, count, rng, recent)
            figures["retweets"] += retweets
            figures["repeated_texts"] += repeats
            last = poll(stack, figures)
            print(f"minute {minute_no:2d}: {count:4d} tweets, poll {time.time() - tick:5.1f} s, {last['pages']} pages, "
                  f"{last['stopped']}, {figures['created']} tickets so far", file=sys.stderr, flush=True)
            time.sleep(max(0.0, minute - (time.time() - tick)))
        released = time.time()
        while last["stopped"] != "caught up":
            time.sleep(minute)
            last = poll(stack, figures)
        drained = time.time()
        faults.FAULTS.recording = False
        # Re-serve the last hour once (a lost checkpoint): every tweet is fetched again, none is doubled.
        stack.aws.session().client("dynamodb").delete_item(TableName="kemala-dev-checkpoints",
                                                           Key={"stream": {"S": "x:inbox"}})
        again = {"created": 0, "fetched": 0}
        while True:
            result = stack.poll()
            again["created"] += result["created"]
            again["fetched"] += result["fetched"]
            if result["stopped"] == "caught up":
                break
        expected = {ticket_id_for("x", str(post.id)) for post in recent}
        executions = stack.execution_names()
        tickets = {t.ticket_id for t in TicketWatcher().all()} & expected
        starts_peak, starts = faults.FAULTS.peak_per_second("stepfunctions.StartExecution")
        writes_peak, writes = faults.FAULTS.peak_per_second("dynamodb.PutItem", "dynamodb.UpdateItem")
    finally:
        stack.stop()
    return {
        "tweets": total, "complaints": len(expected), "retweets (not complaints)": figures["retweets"],
        "repeated texts (own tickets)": figures["repeated_texts"],
        "tickets": len(tickets), "lost (no ticket or no workflow)": len(expected - (tickets & executions)),
        "created more than once": figures["created"] + again["created"] - len(tickets),
        "re-served after a lost checkpoint": f"{again['fetched']} fetched, {again['created']} new tickets",
        "polls": figures["polls"], "search pages": figures["pages"], "polls stopped by": figures["stopped"],
        "release time s": round(released - started, 1), "drain after last burst s": round(drained - released, 1),
        "StartExecution peak /s": f"{starts_peak} (quota: bucket {STEP_FUNCTIONS_START_BUCKET}, "
                                  f"refill {STEP_FUNCTIONS_START_REFILL}/s); {starts} in all",
        "DynamoDB writes peak /s": f"{writes_peak} (a new on-demand table: {DYNAMODB_NEW_ON_DEMAND_WRITES}/s); "
                                   f"{writes} in all",
        "workflows executed": execute,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=10_000)
    parser.add_argument("--minute", type=float, default=1.0, help="seconds one simulated minute lasts")
    parser.add_argument("--execute", action="store_true", help="also run every workflow (slow locally)")
    parser.add_argument("--pages", type=int, help="POLL_MAX_PAGES (searches per poll; default the setting's, 10)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if args.pages:
        os.environ["POLL_MAX_PAGES"] = str(args.pages)
    figures = run(args.tweets, args.minute, args.execute, args.seed)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key.ljust(width)}  {value}", flush=True)


if __name__ == "__main__":
    main()
