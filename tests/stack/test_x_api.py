"""tweepy against the X API v2 emulator over HTTP: pagination, since_id, auth and limits."""
from __future__ import annotations

import pytest
import requests

from chalicelib.adapters.x_api import RateLimitedError, XApi, build_client
from local.x_emulator import CREDENTIALS, RateLimit, XEmulator

QUERY = "#KemalaJateng -is:retweet"


@pytest.fixture
def emulator():
    x = XEmulator(RateLimit(limit=5)).start()
    yield x
    x.stop()


def test_search_pages_through_everything_newer_than_the_checkpoint(emulator):
    posts = [emulator.release(f"aduan nomor {i} #KemalaJateng", f"warga{i}") for i in range(230)]
    emulator.release("tanpa tagar, tidak ikut", "lain")
    emulator.release("RT ikut-ikutan #KemalaJateng", "rt", is_retweet=True)
    api = XApi(build_client(CREDENTIALS, emulator.base_url))
    result = api.search_recent(QUERY, since_id=str(posts[9].id), max_pages=5)
    assert result.complete
    assert [t.tweet_id for t in result.tweets] == [str(p.id) for p in posts[10:]]
    assert result.newest_id == str(posts[-1].id)
    assert result.tweets[0].author == "warga10"


def test_rate_limit_before_any_page_raises_and_mid_search_marks_it_incomplete(emulator):
    for i in range(250):
        emulator.release(f"aduan {i} #kemalajateng")
    api = XApi(build_client(CREDENTIALS, emulator.base_url))
    emulator.rate_limit.used = 4  # one request left in this window
    partial = api.search_recent(QUERY, since_id=None, max_pages=5)
    assert not partial.complete and len(partial.tweets) == 100
    with pytest.raises(RateLimitedError) as error:
        api.search_recent(QUERY, since_id=None, max_pages=5)
    assert error.value.reset_at is not None


def test_emulator_rejects_bad_requests_like_x(emulator):
    url = f"{emulator.base_url}/2/tweets/search/recent"
    auth = {"Authorization": f"Bearer {CREDENTIALS['bearer_token']}"}
    assert requests.get(url, params={"query": QUERY}, timeout=5).status_code == 401
    assert requests.get(url, params={"query": QUERY, "max_results": 5}, headers=auth, timeout=5).status_code == 400
    too_long = XApi(build_client(CREDENTIALS, emulator.base_url))
    with pytest.raises(Exception):
        too_long.reply("1", "x" * 281)
