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


def drain(channel: XChannel, cursor: str | None) -> tuple[list[list[str]], str | None]:
    """Pages until the channel says it is caught up: the ids of each page, and the cursor left."""
    pages = []
    while True:
        inbox = channel.receive(cursor)
        pages.append([m.source_id for m in inbox.messages])
        cursor = inbox.cursor
        if inbox.complete:
            return pages, cursor


def test_search_pages_newest_first_from_a_resumable_cursor_down_to_the_checkpoint(emulator):
    emulator.rate_limit.limit = 50
    posts = [emulator.release(f"aduan nomor {i} #KemalaJateng", f"warga{i}") for i in range(230)]
    emulator.release("tanpa tagar, tidak ikut", "lain")
    emulator.release("RT ikut-ikutan #KemalaJateng", "rt", is_retweet=True)
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, account="KemalaJateng")
    first = channel.receive(str(posts[9].id))  # a checkpoint written before cursors: a plain tweet id
    assert not first.complete and [m.source_id for m in first.messages] == [str(p.id) for p in posts[130:]]
    assert first.messages[0].author == "warga130"
    later = [emulator.release(f"aduan baru {i} #KemalaJateng", "baru") for i in range(3)]  # while draining
    pages, cursor = drain(channel, first.cursor)
    assert pages == [[str(p.id) for p in posts[30:130]], [str(p.id) for p in posts[10:30]]]
    pages, cursor = drain(channel, cursor)
    assert pages == [[str(p.id) for p in later]]
    assert drain(channel, cursor)[0] == [[]]


def test_a_rate_limit_raises_with_its_reset_and_the_cursor_still_resumes(emulator):
    for i in range(150):
        emulator.release(f"aduan {i} #kemalajateng")
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, account="KemalaJateng")
    emulator.rate_limit.used = 4  # one request left in this window
    partial = channel.receive(None)
    assert not partial.complete and len(partial.messages) == 100
    with pytest.raises(RateLimitedError) as error:
        channel.receive(partial.cursor)
    assert error.value.reset_at is not None
    emulator.rate_limit.used = 0
    rest = channel.receive(partial.cursor)
    assert rest.complete and len(rest.messages) == 50


def test_several_queries_are_each_drained_once_per_round(emulator):
    complaint = emulator.release("Jalan rusak di Boyolali #KemalaJateng", "warga")
    handles = [f"instansi{i:03d}" for i in range(60)]  # too many for one query: several OR queries
    for handle in (handles[0], handles[-1]):
        emulator.release(f"@warga jawaban dari {handle}", handle, in_reply_to=complaint.id)
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, account="KemalaJateng")
    found, cursor, calls = [], None, 0
    while True:
        inbox = channel.receive_agency_replies(handles, cursor)
        found += [m.author for m in inbox.messages]
        cursor, calls = inbox.cursor, calls + 1
        if inbox.complete:
            break
    assert calls > 1 and sorted(found) == [handles[0], handles[-1]]
    again = channel.receive_agency_replies(handles, cursor)
    assert again.messages == [] and not again.complete  # a new round starts with the first query


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
    channel = XChannel(build_client(CREDENTIALS, emulator.base_url), QUERY, account="KemalaJateng")
    inbox = channel.receive_agency_replies(["dpubmckjateng", "dinkesjateng"], None)
    assert [(m.author, m.conversation_id) for m in inbox.messages] == [("dpubmckjateng", str(complaint.id))]
