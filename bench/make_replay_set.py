"""Writes replay files for `make replay` throughput runs: distinct complaint tweets, one JSON a line.

`python bench/make_replay_set.py` writes bench/tweets_200.jsonl from local/sample_tweets.jsonl
(retweets left out); `--count 1000 --source routing` writes bench/tweets_1000.jsonl from the routing
texts (training/tweets_train.jsonl, bench/data/*.jsonl but the frozen held-out split, ../shared/dev/tweets_dev.jsonl when
present), so a large replay sees the variety of real complaints (every agency, triage cases).
Varied openers, tails and tags make every text differ; routing quality is measured elsewhere
(bench/routing.py), not with these files.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENERS = ["", "Min, ", "Mohon bantuan, ", "Lapor Pak Gub, ", "Tolong ya, ", "Nyuwun tulung, ", "Halo admin, "]
TAILS = ["", " 🙏", " Terima kasih.", " Matur nuwun.", " Sudah lapor kelurahan tapi belum ada tindakan."]
TAGS = ["#KemalaJateng", "#kemalajateng", "#KEMALAJATENG", "#KemalaJateng #LaporGub"]
SOURCES = {
    "samples": [ROOT / "local" / "sample_tweets.jsonl"],
    # every routing set but the frozen held-out split, which nothing but its one scoring may read
    "routing": [ROOT / "training" / "tweets_train.jsonl",
                *sorted(p for p in (ROOT / "bench" / "data").glob("*.jsonl") if not p.name.startswith("routing_holdout")),
                ROOT.parent / "shared" / "dev" / "tweets_dev.jsonl"],
}


def base_texts(source: str) -> list[str]:
    """The distinct texts of a source, hashtags removed (each replayed tweet gets its own)."""
    texts = []
    for path in SOURCES[source]:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if not record.get("is_retweet"):
                    texts.append(" ".join(w for w in record["text"].split() if not w.startswith("#")))
    return list(dict.fromkeys(texts))


def build(source: str, count: int, seed: int = 20261122) -> list[dict]:
    rng, bases = random.Random(seed), base_texts(source)
    out = []
    for i in range(count):
        body = f"{rng.choice(OPENERS)}{bases[i % len(bases)]}{rng.choice(TAILS)} (laporan ke-{i + 1})"
        tag = rng.choice(TAGS)
        number = f"{i + 1:0{max(3, len(str(count)))}d}"
        out.append({"id": f"R{number}", "text": f"{body[:279 - len(tag)]} {tag}", "author": f"warga{number}"})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--source", choices=sorted(SOURCES), default="samples")
    parser.add_argument("--out", type=Path, help="default: bench/tweets_<count>.jsonl")
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / f"tweets_{args.count}.jsonl"
    out.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in build(args.source, args.count)),
                   encoding="utf-8")
    print(f"wrote {args.count} tweets to {out}")


if __name__ == "__main__":
    main()
