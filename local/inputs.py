"""Input files of the local runner: JSONL tweets (`{"id", "text"}` plus optional fields)."""
from __future__ import annotations

import json
from pathlib import Path


def load_tweets(path: Path) -> tuple[list[dict], list[str]]:
    """Tweets of a JSONL file, and a reason for each line that could not be used."""
    tweets, rejected = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            tweet = json.loads(line)
        except json.JSONDecodeError as error:
            rejected.append(f"line {number}: not JSON ({error.msg})")
            continue
        if not isinstance(tweet, dict) or not str(tweet.get("id", "")).strip() or not str(tweet.get("text", "")).strip():
            rejected.append(f"line {number}: needs a non-empty 'id' and 'text'")
            continue
        tweets.append(tweet)
    return tweets, rejected
