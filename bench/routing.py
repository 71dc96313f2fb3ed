"""Routing benchmark: accuracy of agency, region and urgency on labelled sets, and speed.

    .venv/bin/python bench/routing.py [FILE.jsonl ...]

Defaults to the team's held-out set (bench/data/routing_eval.jsonl: never trained on, but its
errors guided lexicon and training additions), the fresh set (bench/data/routing_fresh.jsonl:
written after all tuning and measured once, the honest estimate for unseen tweets), and the shared
dev set (../shared/dev/tweets_dev.jsonl) when it is beside the checkout. Prints, per
set: agency accuracy and macro-F1, per-agency precision/recall, the most confused pairs, region and
urgency accuracy, accuracy and coverage at the triage threshold, and classify latency (p50/p99,
after warm-up); then the cold start of a fresh process and the size of what ships to Lambda.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.domain.directory import DATA_DIR, load_directory  # noqa: E402
from chalicelib.domain.routing import MODEL_PATH, classify, default_router  # noqa: E402

DEFAULT_SETS = [ROOT / "bench" / "data" / "routing_eval.jsonl", ROOT / "bench" / "data" / "routing_fresh.jsonl",
                ROOT.parent / "shared" / "dev" / "tweets_dev.jsonl"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def evaluate(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows[:20]:
        classify(row["text"])  # warm-up: caches, first-call costs
    results, latencies = [], []
    for row in rows:
        start = time.perf_counter()
        results.append(classify(row["text"]))
        latencies.append(time.perf_counter() - start)
    n = len(rows)
    gold = [r["agency"] for r in rows]
    predicted = [r.agency for r in results]
    correct = sum(g == p for g, p in zip(gold, predicted))
    print(f"\n== {path} ({n} tweets)")
    print(f"agency accuracy   {correct / n:.3f}  ({correct}/{n})")
    f1s, lines = [], []
    for code in sorted(set(gold) | set(predicted)):
        tp = sum(g == p == code for g, p in zip(gold, predicted))
        fp = sum(p == code and g != code for g, p in zip(gold, predicted))
        fn = sum(g == code and p != code for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if code in gold:
            f1s.append(f1)
        lines.append(f"  {code:<14} precision {precision:.2f}  recall {recall:.2f}  (n={tp + fn})")
    print(f"agency macro-F1   {sum(f1s) / len(f1s):.3f}")
    print("per agency:")
    print("\n".join(lines))
    confused = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    print("most confused (gold -> predicted): " + (", ".join(f"{g}->{p} x{c}" for (g, p), c in confused.most_common(8)) or "none"))
    region_ok = sum(r.get("region") == res.region for r, res in zip(rows, results))
    urgency_ok = sum(r.get("urgency") == res.urgency for r, res in zip(rows, results))
    print(f"region accuracy   {region_ok / n:.3f}  ({region_ok}/{n})")
    print(f"urgency accuracy  {urgency_ok / n:.3f}  ({urgency_ok}/{n})")
    threshold = load_directory().triage_confidence
    confident = [(g, p) for g, p, res in zip(gold, predicted, results) if res.confidence >= threshold]
    kept = sum(g == p for g, p in confident)
    print(f"at triage threshold {threshold}: coverage {len(confident) / n:.3f} (auto-routed), "
          f"accuracy {kept / max(1, len(confident)):.3f} on those; the rest go to the triage desk")
    for level in (0.6, 0.7, 0.8, 0.9):
        sure = [(g, p) for g, p, res in zip(gold, predicted, results) if res.confidence >= level]
        print(f"  if the threshold were {level}: coverage {len(sure) / n:.3f}, "
              f"accuracy {sum(g == p for g, p in sure) / max(1, len(sure)):.3f}")
    print(f"classify latency  p50 {_percentile(latencies, 0.5) * 1000:.2f} ms  p99 {_percentile(latencies, 0.99) * 1000:.2f} ms")


def footprint() -> None:
    code = ("import time; t=time.perf_counter(); from chalicelib.domain.routing import classify; "
            "classify('Jalan rusak di Kec. Batang #KemalaJateng'); print(time.perf_counter()-t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    print(f"\ncold start (import + load model + first classify, fresh process, best of 3): {min(runs) * 1000:.0f} ms")
    data = sum(f.stat().st_size for f in DATA_DIR.iterdir() if f.is_file())
    print(f"model file {MODEL_PATH.stat().st_size / 1e6:.2f} MB; all routing data {data / 1e6:.2f} MB")
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
    footprint()


if __name__ == "__main__":
    main()
