"""`python -m local run` (the main job on the embedded stack), `python -m local replay FILE` and
`python -m local scenario FILE`."""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

from chalicelib.domain.messages import format_wib

HERE = Path(__file__).resolve().parent


_ACTION_EXAMPLES = {
    "Konfirmasi penerimaan:": "acknowledge: curl -X POST '{url}'",
    "Beri jawaban untuk warga:": "answer:      curl -X POST '{url}' -d 'text=Sudah kami tinjau, perbaikan dijadwalkan minggu ini'",
    "Nyatakan selesai:": "resolve:     curl -X POST '{url}' -d 'note=Sudah diperbaiki'",
}


def run(args: argparse.Namespace) -> int:
    from local.accounts import PASSWORD, create_demo_accounts
    from local.inputs import load_tweets
    from local.observe import TicketWatcher, drain_notifications
    from local.scenario import Scenario
    from local.stack import LocalStack

    stack = LocalStack(sla={"RESPONSE_SLA_SECONDS": args.sla_seconds, "RESOLUTION_SLA_SECONDS": args.resolution_seconds,
                            "LADDER_STEP_SECONDS": args.ladder_seconds}).start()
    print(f"Workspace: {stack.api_url}/workspace/login  (password {PASSWORD})")
    for username, group in create_demo_accounts().items():
        print(f"  {username:<14} {group}")
    tweets, rejected = load_tweets(Path(args.tweets))
    for reason in rejected:
        print(f"skipped {reason}")
    print(f"Kemala local stack is up.\n  API:         {stack.api_url}  (e.g. GET {stack.api_url}/tickets/<id>)\n"
          f"  X emulator:  {stack.x.base_url}\n  AWS (moto):  {stack.aws.endpoint}\n"
          f"  Lambda logs and metrics (local CloudWatch Logs): {stack.aws.log_path}\n"
          f"  Deadlines shortened so the escalation ladder shows: response {args.sla_seconds} s, resolution "
          f"{args.resolution_seconds} s, ladder step {args.ladder_seconds} s. Ctrl-C to stop.\n", flush=True)
    watcher, sqs, posts_seen, scenario = TicketWatcher(), stack.aws.session().client("sqs"), 0, Scenario(stack)
    try:
        while True:
            batch, tweets = tweets[: args.batch], tweets[args.batch:]
            scenario.release(batch)
            stack.poll()
            deadline = time.time() + args.interval
            while time.time() < deadline:
                scenario.act({t.ticket_id: t for t in watcher.all()})
                for ticket in watcher.changes():
                    last = ticket.history[-1] if ticket.history else None
                    print(f"[{format_wib(last.at if last else ticket.received_at)}] {ticket.ticket_id} "
                          f"{ticket.status.value:<12} {ticket.agency or '-':<13} by {last.actor if last else '-':<10} "
                          f"{ticket.text[:50]!r}", flush=True)
                for note in drain_notifications(sqs, stack.observer_queue_url):
                    print(f"    SNS {note.kind} -> {note.topic}: {note.subject or note.body}", flush=True)
                    for line in note.body.splitlines():
                        for label, example in _ACTION_EXAMPLES.items():
                            if line.startswith(label):
                                print(f"      {example.format(url=line.split(': ', 1)[1])}", flush=True)
                replies = stack.x.replies
                for post in replies[posts_seen:]:
                    print(f"    X @KemalaJateng -> {post.in_reply_to}: {post.text}", flush=True)
                posts_seen = len(replies)
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("stopping")
    finally:
        stack.stop()
    return 0


def replay(args: argparse.Namespace) -> int:
    from local.replay import replay_file

    summary = replay_file(Path(args.tweets), timeout=args.timeout)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


def scenario(args: argparse.Namespace) -> int:
    from local.scenario import main_args

    return main_args(args)


def main() -> int:
    # Handlers that record no metric make Powertools warn on stderr; on AWS that lands in the logs.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="poll, route, notify and escalate sample tweets until Ctrl-C")
    run_parser.add_argument("--tweets", default=str(HERE / "sample_tweets.jsonl"))
    run_parser.add_argument("--interval", type=float, default=8.0,
                            help="seconds between polls (each is three X searches: 8 s stays within X's 450 per 15 min)")
    run_parser.add_argument("--batch", type=int, default=3, help="new tweets appearing per poll")
    run_parser.add_argument("--sla-seconds", type=int, default=60, help="NORMAL response deadline (others scale)")
    run_parser.add_argument("--resolution-seconds", type=int, default=240, help="NORMAL resolution deadline")
    run_parser.add_argument("--ladder-seconds", type=int, default=30, help="interval between escalation levels")
    replay_parser = commands.add_parser("replay", help="run a JSONL file of tweets through the pipeline once")
    replay_parser.add_argument("tweets")
    replay_parser.add_argument("--timeout", type=float, default=600.0)
    scenario_parser = commands.add_parser("scenario", help="tweets plus scripted agency behaviour, to the end")
    scenario_parser.add_argument("file")
    scenario_parser.add_argument("--response-sla", type=int, help="NORMAL response deadline, seconds")
    scenario_parser.add_argument("--resolution-sla", type=int, help="NORMAL resolution deadline, seconds")
    scenario_parser.add_argument("--ladder-step", type=int, help="seconds between escalation levels")
    scenario_parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    return {"run": run, "replay": replay, "scenario": scenario}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
