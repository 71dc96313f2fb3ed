"""What a ticket costs on AWS and on X: `make cost`.

Runs three scenarios on the embedded local stack (deadlines shortened, `SLA`), each
with a few complaint tweets whose agency acts through the API's signed links:

- happy path: the agency acknowledges, answers and resolves (the full lifecycle);
- with escalation: the agency ignores the ticket until both response ladder levels fired
  (reminder + head, then the governor's office), then answers and resolves;
- with reassignment: the first agency hands the ticket on, the second acknowledges, answers and
  resolves;
- answered on X: the agency answers from its own X account in the complaint's thread (the citizen
  has the answer there, so Kemala does not repost it; the poller reads the reply), then resolves.

Per ticket it counts state transitions (every state entered in the execution history), Lambda
invocations and their duration (timed in the in-process dispatcher, billed at the configured
memory), DynamoDB read and write units, SNS publishes and SMS pages, SES e-mails (each recipient
one e-mail; counted in the emulator by `local/meter.py`), and X posts read and created (the X emulator's records). It prices
them with `PRICES` (Singapore, ap-southeast-1, the region the team's notes list; Jakarta is
dearer for some services) and prints AWS $ per 1,000 tickets and X $ per ticket for each
scenario, the fixed monthly cost, and as its last line one JSON object.

Local durations are measured on a shared 2-core machine with moto answering in-process: they are
an upper bound of what Lambda bills.
"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.adapters.dynamodb import DynamoTicketRepository  # noqa: E402
from chalicelib.domain import links, routing  # noqa: E402
from chalicelib.domain.directory import TRIAGE, load_directory  # noqa: E402
from local.meter import Meter, Usage  # noqa: E402

PRICES = {  # USD, Singapore (ap-southeast-1), x86; checked 2026 (../shared/notes/local-stack.md)
    "transition": 0.025 / 1000,  # Step Functions Standard
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "write_unit": 0.625 / 1e6,  # DynamoDB on-demand
    "read_unit": 0.125 / 1e6,
    "sns_publish": 0.50 / 1e6,
    "ses_email": 0.10 / 1000,  # Amazon SES, per recipient (agencies' alerts, reminders, escalations)
    "sms": 0.04,  # SNS SMS to Indonesia: an assumption, check the SNS SMS price list before budgeting
    "secret_month": 0.40,
    "secret_call": 0.05 / 10_000,
    "alarm_month": 0.10,
    "x_post_read": 0.005,  # X API pay-per-use (2026)
    "x_post": 0.015,
    "x_post_with_url": 0.20,
}
MEMORY_GB = json.loads((ROOT / ".chalice" / "config.json").read_text())["lambda_memory_size"] / 1024
# Long enough for the happy path to finish before any reminder, short enough for the ladder to show.
SLA = {"RESPONSE_SLA_SECONDS": 90, "RESOLUTION_SLA_SECONDS": 900, "LADDER_STEP_SECONDS": 10}
TICKETS_PER_SCENARIO = 3
POLLS_PER_MONTH = 60 * 24 * 30
TEXTS = [
    "Jalan provinsi Wonosobo-Dieng banyak lubang besar, tiap malam ada motor jatuh #KemalaJateng",
    "Lampu bangjo perempatan Kartasura mati 3 hari, lalu lintas semrawut tiap sore #KemalaJateng",
    "Air PDAM di Kec. Batang mati 4 hari, satu RW ga ada air sama sekali #KemalaJateng",
    "Puskesmas Kec. Bumiayu Brebes tutup terus padahal jam buka, obat juga habis #KemalaJateng",
    "Sampah menumpuk di pinggir jalan Kec. Ungaran Barat sudah seminggu tidak diangkut #KemalaJateng",
    "KTP elektronik saya belum jadi 3 bulan di Disdukcapil Kab. Demak, blangko habis terus #KemalaJateng",
    "Sekolah dasar di Kec. Wonosari Klaten atap kelasnya bocor dan hampir roboh #KemalaJateng",
    "Pungli di jembatan timbang Kec. Subah Batang, sopir truk dimintai uang #KemalaJateng",
    "Harga pupuk bersubsidi di Kec. Grobogan mahal dan langka, petani susah #KemalaJateng",
]
repo = DynamoTicketRepository()


def wait_until(predicate, timeout: float = 300.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise TimeoutError("the scenario did not reach the expected state in time")


def _link(stack, secret: str, ticket_id: str, action: str, agency: str) -> str:
    link = links.SignedLink.issue(ticket_id, action, agency, datetime.now(timezone.utc), timedelta(days=1))
    return link.url(stack.api_url, secret)


def _act(stack, secret: str, ticket_id: str, action: str, agency: str, **form) -> None:
    """What the agency's staff do from the e-mail: a POST to the signed link, then the workflow moves on."""
    entered = len(_history(stack, ticket_id))
    response = requests.post(_link(stack, secret, ticket_id, action, agency), data=form, timeout=60)
    response.raise_for_status()
    wait_until(lambda: _parked(stack, ticket_id, after=entered) or _finished(stack, ticket_id))


def _history(stack, ticket_id: str) -> list[dict]:
    """The execution's events: what the scenarios watch, so that watching reads no ticket (and costs nothing)."""
    client = stack.aws.session().client("stepfunctions")
    try:
        return client.get_execution_history(executionArn=_execution_arn(stack, ticket_id), maxResults=1000)["events"]
    except client.exceptions.ExecutionDoesNotExist:
        return []


def _parked(stack, ticket_id: str, after: int = 0, state: str = "Await") -> bool:
    """The workflow waits in an Await* state (entered after event `after`) whose Lambda stored the token."""
    events = _history(stack, ticket_id)[after:]
    entered = [i for i, e in enumerate(events) if e["type"] == "TaskStateEntered"]
    if not entered or not events[entered[-1]]["stateEnteredEventDetails"]["name"].startswith(state):
        return False
    return any(e["type"] == "TaskSubmitted" for e in events[entered[-1]:])


def _finished(stack, ticket_id: str) -> bool:
    return stack.aws.session().client("stepfunctions").describe_execution(
        executionArn=_execution_arn(stack, ticket_id))["status"] == "SUCCEEDED"


def _execution_arn(stack, ticket_id: str) -> str:
    return stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"


def _transitions(stack, ticket_id: str) -> int:
    return sum(1 for e in _history(stack, ticket_id) if e["type"].endswith("StateEntered"))


def _resolve(stack, secret: str, ticket_id: str, agency: str) -> None:
    _act(stack, secret, ticket_id, "answer", agency, text="Sudah kami tinjau, perbaikan dijadwalkan minggu ini.")
    _act(stack, secret, ticket_id, "resolve", agency, note="Sudah diperbaiki.")


def happy(stack, secret: str, ticket_id: str, agency: str) -> None:
    _act(stack, secret, ticket_id, "acknowledge", agency)
    _resolve(stack, secret, ticket_id, agency)


def escalated(stack, secret: str, ticket_id: str, agency: str) -> None:
    def after_governor() -> bool:
        names = [e["stateEnteredEventDetails"]["name"] for e in _history(stack, ticket_id) if "stateEnteredEventDetails" in e]
        return "EscalateToGovernor" in names and _parked(stack, ticket_id)
    wait_until(after_governor)
    _act(stack, secret, ticket_id, "acknowledge", agency)
    _resolve(stack, secret, ticket_id, agency)


def reassigned(stack, secret: str, ticket_id: str, agency: str) -> None:
    other = "DISHUB" if agency != "DISHUB" else "DPUBMCK"
    _act(stack, secret, ticket_id, "reassign", agency, to=other, reason="Bukan kewenangan kami")
    happy(stack, secret, ticket_id, other)


def answered_on_x(stack, secret: str, ticket_id: str, agency: str) -> None:
    entered = len(_history(stack, ticket_id))
    handle = load_directory()[agency].x_handles[0]
    stack.x.release("Terima kasih laporannya, petugas kami menuju lokasi hari ini.", handle,
                    in_reply_to=int(ticket_id[1:]))
    stack.poll()  # the scheduled poll finds the agency's reply and records it as the answer
    wait_until(lambda: _parked(stack, ticket_id, after=entered, state="AwaitResolution"))
    _act(stack, secret, ticket_id, "resolve", agency, note="Sudah diperbaiki.")


def run_scenario(stack, meter: Meter, secret: str, texts: list[str], act) -> dict:
    before, posts_before, reads_before = meter.snapshot(), len(stack.x.replies), len(stack.x.served_at)
    released = [stack.x.release(text, f"warga{i}") for i, text in enumerate(texts)]
    stack.poll()
    ids = [f"X{post.id}" for post in released]
    for ticket_id in ids:
        wait_until(lambda: _parked(stack, ticket_id))
    with meter.excluded():  # the stack is idle: these reads are the benchmark's, not the ticket's
        agencies = [repo.get(ticket_id).agency for ticket_id in ids]
    for ticket_id, agency in zip(ids, agencies):
        act(stack, secret, ticket_id, agency)
    for ticket_id in ids:
        wait_until(lambda: _finished(stack, ticket_id))
    time.sleep(1)  # the last task's invocation is timed when it returns
    usage = meter.snapshot().minus(before)
    posts = stack.x.replies[posts_before:]
    return _per_ticket(usage, len(ids), sum(_transitions(stack, t) for t in ids), posts,
                       len(stack.x.served_at) - reads_before)


def _per_ticket(usage: Usage, n: int, transitions: int, posts, reads: int) -> dict:
    sms = sum(c for topic, c in usage.publishes.items() if topic.endswith("-duty"))
    with_url = sum(1 for p in posts if "http" in p.text)
    counts = {
        "transitions": transitions / n,
        "invocations": sum(usage.invocations.values()) / n,
        "lambda_ms": sum(usage.lambda_ms.values()) / n,
        "read_units": sum(usage.read_units.values()) / n,
        "write_units": sum(usage.write_units.values()) / n,
        "sns_publishes": sum(usage.publishes.values()) / n,
        "ses_emails": sum(usage.emails.values()) / n, "sms": sms / n,
        "x_reads": reads / n, "x_posts": (len(posts) - with_url) / n, "x_posts_with_url": with_url / n,
    }
    aws = {
        "step_functions": counts["transitions"] * PRICES["transition"],
        "lambda": counts["invocations"] * PRICES["lambda_request"]
        + counts["lambda_ms"] / 1000 * MEMORY_GB * PRICES["lambda_gb_second"],
        "dynamodb": counts["write_units"] * PRICES["write_unit"] + counts["read_units"] * PRICES["read_unit"],
        "sns": counts["sns_publishes"] * PRICES["sns_publish"],
        "ses": counts["ses_emails"] * PRICES["ses_email"],
    }
    x = (counts["x_reads"] * PRICES["x_post_read"] + counts["x_posts"] * PRICES["x_post"]
         + counts["x_posts_with_url"] * PRICES["x_post_with_url"])
    return {"counts": {k: round(v, 2) for k, v in counts.items()},
            "aws_usd_per_1000_tickets": round(1000 * sum(aws.values()), 4),
            "aws_breakdown_per_1000": {k: round(1000 * v, 4) for k, v in aws.items()},
            "sms_usd_per_1000_tickets": round(1000 * counts["sms"] * PRICES["sms"], 2),
            "x_usd_per_ticket": round(x, 4)}


def fixed_monthly(stack, meter: Meter) -> dict:
    """An idle poll every minute (EventBridge schedule), secrets, alarms: paid with no complaint at all."""
    stack.poll()
    before = meter.snapshot()
    stack.poll()
    idle = meter.snapshot().minus(before)
    poll_ms = sum(idle.lambda_ms.values())
    lambda_usd = POLLS_PER_MONTH * (PRICES["lambda_request"] + poll_ms / 1000 * MEMORY_GB * PRICES["lambda_gb_second"])
    dynamo_usd = POLLS_PER_MONTH * (sum(idle.read_units.values()) * PRICES["read_unit"]
                                    + sum(idle.write_units.values()) * PRICES["write_unit"])
    secrets_usd = 2 * PRICES["secret_month"] + POLLS_PER_MONTH / 5 * PRICES["secret_call"]  # cached 300 s
    alarms_usd = 4 * PRICES["alarm_month"]
    return {"idle_poll_ms": round(poll_ms, 1), "polls": POLLS_PER_MONTH, "lambda": round(lambda_usd, 3),
            "dynamodb": round(dynamo_usd, 3), "secrets": round(secrets_usd, 3), "alarms": alarms_usd,
            "total": round(lambda_usd + dynamo_usd + secrets_usd + alarms_usd, 2)}


def main() -> None:
    from local.stack import LocalStack

    stack = LocalStack(sla=SLA, lambda_log=ROOT / "build" / "cost-lambda.log").start()
    meter = Meter().install()  # after the stack installed its Lambda dispatcher, which the meter times
    try:
        secret = stack.aws.session().client("secretsmanager").get_secret_value(
            SecretId=os.environ["LINK_SECRET"])["SecretString"]
        texts = [t for t in TEXTS if routing.classify(t).agency != TRIAGE]
        on_x = [t for t in texts if load_directory()[routing.classify(t).agency].x_handles]
        n = TICKETS_PER_SCENARIO
        results = {}
        for index, (name, act) in enumerate((("happy_path", happy), ("with_escalation", escalated),
                                             ("with_reassignment", reassigned), ("answered_on_x", answered_on_x))):
            pool = on_x if act is answered_on_x else texts
            chosen = [pool[(index * n + i) % len(pool)] for i in range(n)]
            results[name] = run_scenario(stack, meter, secret, chosen, act)
            print(f"{name}: {json.dumps(results[name])}", flush=True)
        fixed = fixed_monthly(stack, meter)
    finally:
        stack.stop()
    print(f"prices: Singapore (ap-southeast-1), x86 Lambda at {MEMORY_GB * 1024:.0f} MB; {json.dumps(PRICES)}")
    print(f"{'scenario':<18} {'AWS $/1000 tickets':>19} {'X $/ticket':>11} {'transitions':>12} {'invocations':>12} "
          f"{'WRU':>6} {'RRU':>6} {'publishes':>10} {'e-mails':>8} {'X reads':>8} {'X posts':>8}")
    for name, r in results.items():
        c = r["counts"]
        print(f"{name:<18} {r['aws_usd_per_1000_tickets']:>19.4f} {r['x_usd_per_ticket']:>11.4f} {c['transitions']:>12} "
              f"{c['invocations']:>12} {c['write_units']:>6} {c['read_units']:>6} {c['sns_publishes']:>10} "
              f"{c['ses_emails']:>8} {c['x_reads']:>8} {c['x_posts']:>8}")
    print(f"fixed monthly (no complaints): ${fixed['total']} {json.dumps(fixed)}")
    happy_path = results["happy_path"]
    print(json.dumps({"aws_usd_per_1000_tickets": happy_path["aws_usd_per_1000_tickets"],
                      "x_usd_per_ticket": happy_path["x_usd_per_ticket"],
                      "scenarios": {k: {"aws_usd_per_1000_tickets": v["aws_usd_per_1000_tickets"],
                                        "x_usd_per_ticket": v["x_usd_per_ticket"], **v["counts"]}
                                    for k, v in results.items()},
                      "fixed_monthly_usd": fixed["total"], "region": "ap-southeast-1"}))


if __name__ == "__main__":
    main()
