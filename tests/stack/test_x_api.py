"""tweepy against the X API v2 emulator over HTTP: pagination, since_id, auth and limits."""
from __future__ import annotations

import pytest
import requests

from chalicelib.adapters.channels.x import XChannel, build_client
from chalicelib.services.ports import RateLimitedError
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
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, max_pages=5, account="KemalaJateng")
    result = channel.receive(str(posts[9].id))
    assert result.complete
    assert [t.source_id for t in result.messages] == [str(p.id) for p in posts[10:]]
    assert result.cursor == str(posts[-1].id)
    assert result.messages[0].author == "warga10"


def test_rate_limit_before_any_page_raises_and_mid_search_marks_it_incomplete(emulator):
    for i in range(250):
        emulator.release(f"aduan {i} #kemalajateng")
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, max_pages=5, account="KemalaJateng")
    emulator.rate_limit.used = 4  # one request left in this window
    partial = channel.receive(None)
    assert not partial.complete and len(partial.messages) == 100
    with pytest.raises(RateLimitedError) as error:
        channel.receive(None)
    assert error.value.reset_at is not None


def test_emulator_rejects_bad_requests_like_x(emulator):
    url = f"{emulator.base_url}/2/tweets/search/recent"
    auth = {"Authorization": f"Bearer {CREDENTIALS['bearer_token']}"}
    assert requests.get(url, params={"query": QUERY}, timeout=5).status_code == 401
    assert requests.get(url, params={"query": QUERY, "max_results": 5}, headers=auth, timeout=5).status_code == 400
    client = build_client(CREDENTIALS, emulator.base_url)
    with pytest.raises(Exception):
        client.create_tweet(text="x" * 281, in_reply_to_tweet_id="1", user_auth=True)


def test_long_messages_become_a_numbered_thread_without_urls():
    from chalicelib.adapters.channels.x import thread

    text = "Tanggapan: " + " ".join(f"kalimat{i}" for i in range(80)) + " lihat https://contoh.go.id/info"
    parts = thread(text)
    assert len(parts) > 1 and all(len(p) <= 280 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})") and not any("http" in p for p in parts)
    assert thread("pendek saja") == ["pendek saja"]


def test_agency_replies_are_found_in_one_search_and_carry_their_thread(emulator):
    complaint = emulator.release("Jalan rusak di Boyolali #KemalaJateng", "warga")
    emulator.release("@warga Sudah kami jadwalkan perbaikan", "dpubmckjateng", in_reply_to=complaint.id)
    emulator.release("@warga ini bukan balasan instansi", "orang_lain", in_reply_to=complaint.id)
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, max_pages=5, account="KemalaJateng")
    inbox = channel.receive_agency_replies(["dpubmckjateng", "dinkesjateng"], None)
    assert [(m.author, m.conversation_id) for m in inbox.messages] == [("dpubmckjateng", str(complaint.id))]
