"""Writes bench/tweets_200.jsonl: 200 distinct complaint tweets for `make replay` throughput runs.

Built from local/sample_tweets.jsonl (retweets left out) with varied openers, places and tags, so
every text differs; routing quality is measured elsewhere (bench/routing.py), not with this file.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENERS = ["", "Min, ", "Mohon bantuan, ", "Lapor Pak Gub, ", "Tolong ya, ", "Nyuwun tulung, ", "Halo admin, "]
TAILS = ["", " 🙏", " Terima kasih.", " Matur nuwun.", " Sudah lapor kelurahan tapi belum ada tindakan."]
TAGS = ["#KemalaJateng", "#kemalajateng", "#KEMALAJATENG", "#KemalaJateng #LaporGub"]


def main() -> None:
    rng = random.Random(20261122)
    samples = [json.loads(line) for line in (ROOT / "local" / "sample_tweets.jsonl").read_text().splitlines()]
    bases = [s for s in samples if not s.get("is_retweet")]
    out = []
    for i in range(200):
        base = bases[i % len(bases)]
        text = base["text"].rsplit("#", 1)[0].strip()
        text = f"{rng.choice(OPENERS)}{text}{rng.choice(TAILS)} (laporan ke-{i + 1}) {rng.choice(TAGS)}"
        out.append({"id": f"R{i + 1:03d}", "text": text[:280], "author": f"warga{i + 1:03d}"})
    (ROOT / "bench" / "tweets_200.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in out))


if __name__ == "__main__":
    main()
