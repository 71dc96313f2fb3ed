"""Routing benchmark: accuracy of agency, region and urgency on labelled sets, calibration, and speed.

    .venv/bin/python bench/routing.py [FILE.jsonl ...]

Defaults to the team's held-out set (bench/data/routing_eval.jsonl), the fresh set
(bench/data/routing_fresh.jsonl) and the shared dev set (../shared/dev/tweets_dev.jsonl), those
that exist. A frozen held-out split (bench/data/routing_holdout<N>.jsonl, none at the moment) is scored only when
named, once, on the final model: `bench/routing.py bench/data/routing_holdout<N>.jsonl`. Per set, overall and per register (tweet:
at most 280 characters or `register: tweet`; long: the rest): agency accuracy and macro-F1, region
and urgency accuracy, EMERGENCY recall, classify latency p50/p99 (wall clock, and the process's CPU
time, which a busy machine does not inflate); then per-agency precision/recall,
the most confused pairs, the reliability table and expected calibration error of the confidence,
and coverage/accuracy at the triage threshold. Last: the cold start of a fresh process (import,
model load, first classify) and the size of what ships.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.domain.directory import DATA_DIR, load_directory  # noqa: E402
from chalicelib.domain.routing import MODEL_PATH, classify, default_router  # noqa: E402
from chalicelib.domain.tickets import Classification  # noqa: E402
from chalicelib.services.evaluation import coverage_table, expected_calibration_error, reliability  # noqa: E402

DEFAULT_SETS = [ROOT / "bench" / "data" / "routing_eval.jsonl", ROOT / "bench" / "data" / "routing_fresh.jsonl",
                ROOT.parent / "shared" / "dev" / "tweets_dev.jsonl"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _register(row: dict) -> str:
    stated = row.get("register")
    if stated:
        return "tweet" if stated == "tweet" else "long"
    return "tweet" if len(row["text"]) <= 280 else "long"


def _latency(latencies: list[tuple[float, float]]) -> str:
    """Wall-clock p50/p99 and, beside it, the process's own CPU time (what noisy neighbours do not inflate)."""
    wall, cpu = [w for w, _ in latencies], [c for _, c in latencies]
    return (f"latency p50 {_percentile(wall, 0.5) * 1000:.2f} ms p99 {_percentile(wall, 0.99) * 1000:.2f} ms "
            f"(CPU p50 {_percentile(cpu, 0.5) * 1000:.2f} ms p99 {_percentile(cpu, 0.99) * 1000:.2f} ms)")


def _summary(label: str, rows: list[dict], results: list[Classification], latencies: list[tuple[float, float]]) -> None:
    n = len(rows)
    agency = sum(r["agency"] == res.agency for r, res in zip(rows, results))
    region = sum(r.get("region") == res.region for r, res in zip(rows, results))
    urgency = sum(r.get("urgency") == res.urgency for r, res in zip(rows, results))
    emergencies = [res.urgency == "EMERGENCY" for r, res in zip(rows, results) if r.get("urgency") == "EMERGENCY"]
    recall = f"{sum(emergencies) / len(emergencies):.3f} ({sum(emergencies)}/{len(emergencies)})" if emergencies else "n/a"
    print(f"{label:<7} n={n:<4} agency {agency / n:.3f}  region {region / n:.3f}  urgency {urgency / n:.3f}  "
          f"EMERGENCY recall {recall}  {_latency(latencies)}")


def _per_agency(gold: list[str], predicted: list[str]) -> None:
    f1s, lines = [], []
    for code in sorted(set(gold) | set(predicted)):
        tp = sum(g == p == code for g, p in zip(gold, predicted))
        fp = sum(p == code and g != code for g, p in zip(gold, predicted))
        fn = sum(g == code and p != code for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        if code in gold:
            f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        lines.append(f"  {code:<14} precision {precision:.2f}  recall {recall:.2f}  (n={tp + fn})")
    print(f"agency macro-F1 {sum(f1s) / len(f1s):.3f}; per agency:")
    print("\n".join(lines))
    confused = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    print("most confused (gold -> predicted): "
          + (", ".join(f"{g}->{p} x{c}" for (g, p), c in confused.most_common(8)) or "none"))


def _calibration(confidences: list[float], correct: list[bool]) -> None:
    print(f"confidence calibration: ECE {expected_calibration_error(confidences, correct):.3f}")
    for row in reliability(confidences, correct):
        print(f"  {row['bin']}  n={row['n']:<4} mean confidence {row['confidence']:.3f}  accuracy {row['accuracy']:.3f}")
    threshold = load_directory().triage_confidence
    table = coverage_table(confidences, correct, sorted({threshold, 0.5, 0.6, 0.7, 0.8, 0.9}))
    for row in table:
        mark = "  <- triage threshold" if row["threshold"] == threshold else ""
        print(f"  at confidence >= {row['threshold']:.2f}: coverage {row['coverage']:.3f} (auto-routed), "
              f"accuracy {row['accuracy']:.3f}{mark}")


def evaluate(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows[:20]:
        classify(row["text"])  # warm-up: caches, first-call costs
    results, latencies = [], []
    for row in rows:
        start, start_cpu = time.perf_counter(), time.process_time()
        results.append(classify(row["text"]))
        latencies.append((time.perf_counter() - start, time.process_time() - start_cpu))
    print(f"\n== {path} ({len(rows)} texts)")
    _summary("all", rows, results, latencies)
    for register in ("tweet", "long"):
        chosen = [k for k, row in enumerate(rows) if _register(row) == register]
        if chosen:
            _summary(register, [rows[k] for k in chosen], [results[k] for k in chosen], [latencies[k] for k in chosen])
    gold, predicted = [r["agency"] for r in rows], [r.agency for r in results]
    _per_agency(gold, predicted)
    _calibration([r.confidence for r in results], [g == p for g, p in zip(gold, predicted)])


def longest_text() -> None:
    """A text at the 5,000-character limit: median CPU time of 20 classifications."""
    text = ("Dengan hormat, kami warga RT 03 menyampaikan keluhan tentang juru parkir liar yang meminta tarif "
            "di atas ketentuan di depan pasar, mohon ditertibkan. " * 40)[:5000]
    times = []
    for _ in range(20):
        start = time.process_time()
        classify(text)
        times.append(time.process_time() - start)
    print(f"\na 5,000-character text: classify CPU median {sorted(times)[10] * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms")


def footprint() -> None:
    code = ("import time; t, c = time.perf_counter(), time.process_time(); "
            "from chalicelib.domain.routing import classify; classify('Jalan rusak di Kec. Batang #KemalaJateng'); "
            "print(time.perf_counter() - t, time.process_time() - c)")
    runs = [[float(v) for v in subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                              check=True).stdout.split()] for _ in range(5)]
    wall, cpu = sorted(w for w, _ in runs), sorted(c for _, c in runs)
    print(f"\ncold start (fresh process: import + model load + first classify), 5 runs: "
          f"median {wall[2] * 1000:.0f} ms, worst {wall[-1] * 1000:.0f} ms (CPU median {cpu[2] * 1000:.0f} ms, "
          f"worst {cpu[-1] * 1000:.0f} ms)")
    data = sum(f.stat().st_size for f in DATA_DIR.iterdir() if f.is_file())
    zipped = len(zlib.compress(MODEL_PATH.read_bytes(), 6))
    print(f"model file {MODEL_PATH.stat().st_size / 1e6:.2f} MB ({zipped / 1e6:.2f} MB deflated, as in the Lambda zip); "
          f"all routing data {data / 1e6:.2f} MB")
    packages = sorted(ROOT.glob("build/package-*/deployment.zip"))
    for package in packages:
        print(f"Lambda package {package.relative_to(ROOT)}: {package.stat().st_size / 1e6:.1f} MB zipped (limit 50 MB)")
    if not packages:
        print("Lambda package: run `make package` to build and measure it")


def main() -> None:
    default_router()
    sets = [Path(p) for p in sys.argv[1:]] or [p for p in DEFAULT_SETS if p.exists()]
    for path in sets:
        evaluate(path)
    longest_text()
    footprint()


if __name__ == "__main__":
    main()
