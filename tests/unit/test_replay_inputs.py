"""The replay/run input format (JSONL tweets, local/inputs.py): any file, however broken, gives usable
tweets and a reason per rejected line, never an exception."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local.inputs import load_tweets
from tests.fuzzing import json_values

tweet_like = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=5) | st.integers() | json_values, "text": st.text(max_size=40) | json_values,
    "author": st.none() | st.text(max_size=10) | json_values,
    "created_at": st.sampled_from(["2026-11-22T08:00:00+07:00", "2026-11-22T01:00:00Z", "2026-11-22", "kemarin"])
    | json_values,
    "is_retweet": json_values,
})
ROOT = Path(__file__).resolve().parent.parent.parent
lines = st.lists(tweet_like.map(json.dumps) | st.text(max_size=40) | st.binary(max_size=40).map(bytes.hex),
                 max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=lines, junk=st.binary(max_size=60) | st.sampled_from([b"\x1c", b"\xc2\xa0", b" \t"]))
def test_any_file_gives_usable_tweets_and_reasons(tmp_path, lines, junk):
    path = tmp_path / "tweets.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n" + junk)
    tweets, rejected = load_tweets(path)
    non_blank = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    assert len(tweets) + len(rejected) == non_blank
    for tweet in tweets:  # what local/replay.py's release_all reads
        assert isinstance(tweet["text"], str) and tweet["text"].strip() and str(tweet["id"]).strip()
        tweet["text"].encode("utf-8")
        assert tweet.get("author") is None or isinstance(tweet["author"], str)
        if tweet.get("created_at"):
            assert datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00")).tzinfo


def test_the_sample_file_loads_whole():
    tweets, rejected = load_tweets(ROOT / "local" / "sample_tweets.jsonl")
    assert tweets and rejected == []
