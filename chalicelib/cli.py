"""Operators' and benchmarks' command line.

    python -m chalicelib.cli classify < tweets.jsonl > routed.jsonl
        Reads JSONL ({"id", "text"}) and writes, in the same order, one line per input:
        {"id", "agency", "region", "urgency", "confidence"}. A line that cannot be read gets
        {"id", "error"} in its place, its reason on stderr, and the exit status is 1.

    python -m chalicelib.cli train [--corrections FILE.jsonl] [--corrections-table NAME]
        Rebuilds chalicelib/data/routing_model.json from training/tweets_train.jsonl, the lexicon,
        and the routing corrections people made (a JSONL export, or the DynamoDB table itself).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.domain.routing import MODEL_PATH, classify, load_lexicon

TRAINING_FILE = Path(__file__).resolve().parent.parent / "training" / "tweets_train.jsonl"


def _read(line: str) -> tuple[dict | None, str | None]:
    """The item on a line, or why it cannot be routed."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, f"not JSON ({error.msg})"
    if not isinstance(item, dict):
        return None, "not a JSON object"
    if not isinstance(item.get("text"), str):
        return item, "needs a string 'text'"
    return item, None


def classify_stream(lines, out, err) -> int:
    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item, problem = _read(line)
        if problem:
            failures += 1
            print(f"line {number}: {problem}", file=err)
            out.write(json.dumps({"id": (item or {}).get("id"), "error": problem}) + "\n")
            continue
        result = classify(item["text"])
        out.write(json.dumps({"id": item.get("id"), "agency": result.agency, "region": result.region,
                              "urgency": result.urgency, "confidence": result.confidence}) + "\n")
    return 1 if failures else 0


def _corrections(args: argparse.Namespace) -> list[dict]:
    found: list[dict] = []
    if args.corrections:
        found += [json.loads(line) for line in Path(args.corrections).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.corrections_table:
        from dataclasses import replace

        from chalicelib.adapters.dynamodb import DynamoCorrectionStore, use_tables
        from chalicelib.settings import get_settings

        use_tables(replace(get_settings().tables, corrections=args.corrections_table))
        found += [{"text": c.text, "agency": c.agency} for c in DynamoCorrectionStore().all()]
    return found


def train(args: argparse.Namespace) -> int:
    from chalicelib.services.training import build_models, read_jsonl, write_model

    tweets = read_jsonl(Path(args.training))
    corrections = _corrections(args)
    agency_model, urgency_model = build_models(tweets, corrections, load_lexicon())
    write_model(Path(args.out), agency_model, urgency_model, tweets, corrections)
    print(f"model written to {args.out}: {len(tweets)} training tweets, {len(corrections)} corrections, "
          f"{len(agency_model.weights)} agency features", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("classify", help="route JSONL tweets from stdin to stdout")
    train_parser = commands.add_parser("train", help="rebuild the routing model")
    train_parser.add_argument("--training", default=str(TRAINING_FILE))
    train_parser.add_argument("--corrections", help="JSONL of {text, agency} corrections")
    train_parser.add_argument("--corrections-table", help="read corrections from this DynamoDB table")
    train_parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    if args.command == "classify":
        return classify_stream(sys.stdin, sys.stdout, sys.stderr)
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
