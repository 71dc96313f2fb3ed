"""Operators' and benchmarks' command line.

    python -m chalicelib.cli classify < tweets.jsonl > routed.jsonl
        Reads JSONL ({"id", "text"}) and writes, in the same order, one line per input:
        {"id", "agency", "region", "urgency", "confidence"}. A line that cannot be read gets
        {"id", "error"} in its place, its reason on stderr, and the exit status is 1.

        Texts longer than 5,000 characters get such an error line too.

    python -m chalicelib.cli train [--corrections FILE.jsonl] [--corrections-table NAME] [--no-search]
        Rebuilds chalicelib/data/routing_model.json from the labelled complaints in training/, the
        lexicon, and the routing corrections people made (a JSONL export, or the DynamoDB table
        itself), with scikit-learn (requirements-dev.txt). Prints the cross-validation that chose
        the settings, the calibration, and the coverage/accuracy table for the triage threshold.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.domain.routing import MODEL_PATH, classify, load_lexicon

TRAINING_DIR = Path(__file__).resolve().parent.parent / "training"
TRAINING_FILES = [TRAINING_DIR / "tweets_train.jsonl", *sorted((TRAINING_DIR / "data").glob("*.jsonl"))]
MAX_TEXT_CHARS = 5000


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
    if len(item["text"]) > MAX_TEXT_CHARS:
        return item, f"text longer than {MAX_TEXT_CHARS} characters ({len(item['text'])})"
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
    from chalicelib.services import training

    def report(line: str) -> None:
        print(line, file=sys.stderr)

    rows = [{**row, "group": Path(path).stem} for path in args.training for row in training.read_jsonl(Path(path))]
    corrections = _corrections(args)
    examples = training.examples_from(rows, corrections, load_lexicon())
    grid = [training.Settings()] if args.no_search else training.GRID
    report(f"{len(rows)} labelled complaints from {len(args.training)} files, {len(corrections)} corrections; "
           f"cross-validation of {len(grid)} settings, leaving one file (writer) out at a time:")
    oof = training.select(examples, grid, report)
    trained = training.train(examples, oof.settings, oof)
    model = training.export(trained, examples)
    training.write_model(Path(args.out), model)
    figures = model["cross_validation"]
    report(f"chosen: {figures['settings']}")
    report(f"per left-out file: {figures['agency_accuracy_per_group']}")
    report(f"out of fold: agency accuracy {figures['agency_accuracy']} {figures['agency_accuracy_per_register']}; "
           f"urgency accuracy {figures['urgency_accuracy']}, EMERGENCY recall {figures['emergency_recall']} "
           f"(EMERGENCY from p >= {figures['emergency_at']})")
    report(f"calibration: temperature {figures['temperature']}, ECE {figures['ece_before_calibration']} -> {figures['ece']}")
    for row in figures["coverage"]:
        report(f"  confidence >= {row['threshold']:.2f}: coverage {row['coverage']:.3f}, accuracy {row['accuracy']:.3f}")
    suggestion = training.suggested_threshold(figures["coverage"])
    report(f"lowest threshold with accuracy >= {training.TARGET_ROUTED_ACCURACY}: "
           + (f"{suggestion['threshold']} (coverage {suggestion['coverage']})" if suggestion else "none"))
    report(f"model written to {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("classify", help="route JSONL tweets from stdin to stdout")
    train_parser = commands.add_parser("train", help="rebuild the routing model")
    train_parser.add_argument("--training", nargs="+", default=[str(p) for p in TRAINING_FILES])
    train_parser.add_argument("--corrections", help="JSONL of {text, agency} corrections")
    train_parser.add_argument("--corrections-table", help="read corrections from this DynamoDB table")
    train_parser.add_argument("--no-search", action="store_true", help="cross-validate the default settings only")
    train_parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    if args.command == "classify":
        return classify_stream(sys.stdin, sys.stdout, sys.stderr)
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
