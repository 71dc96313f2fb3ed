"""Input files of the local runner: JSONL tweets (`{"id", "text"}` plus optional fields)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path


def _is_text(value: object) -> bool:
    """A string that can be stored and sent (JSON may spell lone surrogates, which UTF-8 cannot)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _problem(tweet: object) -> str | None:
    """Why a parsed line cannot be released as a tweet, or None when it can."""
    if not isinstance(tweet, dict):
        return "not a JSON object"
    tweet_id, text = tweet.get("id"), tweet.get("text")
    if isinstance(tweet_id, bool) or not isinstance(tweet_id, (str, int)) or not str(tweet_id).strip():
        return "needs a non-empty 'id' (text or number)"
    if not _is_text(text) or not text.strip() or not _is_text(str(tweet_id)):
        return "needs a non-empty 'text' (and an 'id') in valid Unicode"
    if tweet.get("author") is not None and not _is_text(tweet["author"]):
        return "'author' must be text"
    created = tweet.get("created_at")
    if created:
        try:
            aware = isinstance(created, str) and datetime.fromisoformat(created.replace("Z", "+00:00")).tzinfo
        except ValueError:
            aware = None
        if not aware:
            return "'created_at' must be an ISO 8601 time with its offset (e.g. 2026-11-22T08:00:00+07:00)"
    return None


def load_tweets(path: Path) -> tuple[list[dict], list[str]]:
    """Tweets of a JSONL file, and a reason for each line that could not be used."""
    tweets, rejected = [], []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            rejected.append(f"line {number}: not UTF-8 text")
            continue
        try:
            tweet = json.loads(line)
        except (ValueError, RecursionError) as error:
            rejected.append(f"line {number}: not JSON ({getattr(error, 'msg', type(error).__name__)})")
            continue
        problem = _problem(tweet)
        if problem:
            rejected.append(f"line {number}: {problem}")
            continue
        tweets.append(tweet)
    return tweets, rejected
