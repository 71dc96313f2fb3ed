"""Replays several tweet files one after the other, each on a fresh stack in its own process, and
compares them: `make bench-replay` (200 and 1,000 tweets). Prints per file the wall time, the peak
memory and the replay's own summary figures, then one JSON line with the time ratio of the
largest to the smallest file (linear scaling: about the ratio of their sizes, 5 for 1,000/200).
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def replay(path: Path) -> dict:
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "local", "replay", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - began
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    # Largest child so far: the files run smallest first, so this is this run's peak.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"file": path.name, "tweets": summary["tweets"], "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb),
            "ok": summary["ok"], "latency_p50_s": summary["latency_p50_s"], "latency_p95_s": summary["latency_p95_s"]}


def main() -> None:
    rows = []
    for name in sys.argv[1:]:
        row = replay(Path(name))
        rows.append(row)
        print(json.dumps(row), flush=True)
    small, large = min(rows, key=lambda r: r["tweets"]), max(rows, key=lambda r: r["tweets"])
    print(json.dumps({"runs": {r["tweets"]: r["seconds"] for r in rows},
                      "time_ratio": round(large["seconds"] / small["seconds"], 2),
                      "size_ratio": round(large["tweets"] / small["tweets"], 2), "ok": all(r["ok"] for r in rows)}))


if __name__ == "__main__":
    main()
