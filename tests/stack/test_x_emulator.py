"""The X API v2 emulator on its own, over real HTTP: one timeline, thread fields, the query language,
posting limits and failures, deletion and lookup, speed and thread safety."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from local.x_emulator import APP_USERNAME, CREDENTIALS, Post, RateLimit, XEmulator, _user_id, matches

QUERY = "#KemalaJateng -is:retweet"
BEARER = {"Authorization": f"Bearer {CREDENTIALS['bearer_token']}"}
ALL_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets"


def oauth(token: str | None = CREDENTIALS["access_token"]) -> dict[str, str]:
    """An OAuth 1.0a header as tweepy sends it (the emulator checks the scheme and reads oauth_token)."""
    params = 'oauth_consumer_key="local-consumer-key", oauth_nonce="n", oauth_signature="s"'
    return {"Authorization": f'OAuth {params}' + (f', oauth_token="{token}"' if token else "")}


@pytest.fixture
def x():
    emulator = XEmulator(post_limit=RateLimit(limit=100, window_seconds=900)).start()
    yield emulator
    emulator.stop()


def search(x: XEmulator, query: str, **params) -> requests.Response:
    return requests.get(f"{x.base_url}/2/tweets/search/recent", params={"query": query, "max_results": 100, **params},
                        headers=BEARER, timeout=5)


def found_ids(x: XEmulator, query: str, **params) -> list[int]:
    response = search(x, query, **params)
    assert response.status_code == 200, response.text
    return [int(t["id"]) for t in response.json().get("data", [])]


def post(x: XEmulator, text: str, reply_to: int | None = None, token: str | None = CREDENTIALS["access_token"]):
    body: dict = {"text": text}
    if reply_to is not None:
        body["reply"] = {"in_reply_to_tweet_id": str(reply_to)}
    return requests.post(f"{x.base_url}/2/tweets", json=body, headers=oauth(token), timeout=5)


# --- 1. one timeline ------------------------------------------------------------------------------
def test_kemala_replies_are_on_the_timeline_and_found_by_search_like_any_post(x):
    complaint = x.release("Jalan berlubang di Kartasura #KemalaJateng", "andi")
    response = post(x, "Halo @andi, aduan Anda tercatat #KemalaJateng", reply_to=complaint.id)
    assert response.status_code == 201
    reply_id = int(response.json()["data"]["id"])
    assert [p.id for p in x.posts] == [complaint.id, reply_id]
    assert found_ids(x, QUERY) == [reply_id, complaint.id]  # newest first, Kemala's own reply included
    assert found_ids(x, f"{QUERY} -from:{APP_USERNAME}") == [complaint.id]
    assert matches(QUERY, x.get(reply_id))


def test_replies_lists_only_posts_the_app_account_made_through_the_api(x):
    complaint = x.release("Sampah menumpuk #KemalaJateng", "smg")
    x.release("Kemala menjawab lewat runner #KemalaJateng", APP_USERNAME)  # released, not made through the API
    agency = x.credentials_for("dlhsemarang")
    assert post(x, "Sudah kami angkut", reply_to=complaint.id, token=agency["access_token"]).status_code == 201
    assert post(x, "Terima kasih @smg", reply_to=complaint.id).status_code == 201
    assert [(r.username, r.text, r.in_reply_to) for r in x.replies] == [(APP_USERNAME, "Terima kasih @smg", complaint.id)]
    assert len(x.posts) == 4
    with pytest.raises(AttributeError):
        x.replies = []  # type: ignore[misc]


# --- 2./3. thread fields and posting into a thread ----------------------------------------------------
def test_thread_fields_are_returned_as_x_does(x):
    root = x.release("Puskesmas tutup #KemalaJateng", "sri_brebes")
    kemala = int(post(x, "Halo @sri_brebes, tiket X1 #KemalaJateng", reply_to=root.id).json()["data"]["id"])
    follow_up = x.release("Masih tutup sampai sekarang #KemalaJateng", "sri_brebes", in_reply_to=kemala)
    agency = x.release("Sudah kami cek, buka lagi besok #KemalaJateng", "dinkesjateng", in_reply_to=follow_up.id)

    response = search(x, QUERY, **{"tweet.fields": ALL_FIELDS, "expansions": "author_id"})
    tweets = {int(t["id"]): t for t in response.json()["data"]}
    assert tweets[root.id]["conversation_id"] == str(root.id)
    assert "in_reply_to_user_id" not in tweets[root.id] and "referenced_tweets" not in tweets[root.id]
    assert tweets[kemala] == {
        "id": str(kemala), "text": "Halo @sri_brebes, tiket X1 #KemalaJateng", "edit_history_tweet_ids": [str(kemala)],
        "created_at": tweets[kemala]["created_at"], "author_id": _user_id(APP_USERNAME),
        "conversation_id": str(root.id), "in_reply_to_user_id": _user_id("sri_brebes"),
        "referenced_tweets": [{"type": "replied_to", "id": str(root.id)}],
    }
    assert tweets[follow_up.id]["in_reply_to_user_id"] == _user_id(APP_USERNAME)
    assert tweets[follow_up.id]["conversation_id"] == str(root.id)
    assert tweets[agency.id]["referenced_tweets"] == [{"type": "replied_to", "id": str(follow_up.id)}]
    assert tweets[agency.id]["created_at"].endswith(".000Z")
    users = {u["id"]: u["username"] for u in response.json()["includes"]["users"]}
    assert users == {_user_id(n): n for n in ("sri_brebes", APP_USERNAME, "dinkesjateng")}
    assert (agency.conversation_id, agency.in_reply_to, agency.in_reply_to_user_id) == (
        root.id, follow_up.id, _user_id("sri_brebes"))


def test_fields_are_left_out_unless_asked_for_and_unknown_ones_rejected(x):
    root = x.release("a #KemalaJateng", "a")
    x.release("b #KemalaJateng", "b", in_reply_to=root.id)
    plain = search(x, QUERY).json()["data"]
    assert all(set(t) == {"id", "text", "edit_history_tweet_ids"} for t in plain)
    expanded = search(x, QUERY, expansions="referenced_tweets.id,in_reply_to_user_id").json()
    assert expanded["includes"]["tweets"][0]["id"] == str(root.id)
    assert {u["username"] for u in expanded["includes"]["users"]} == {"a"}
    bad = search(x, QUERY, **{"tweet.fields": "colour"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["parameters"] == {"tweet.fields": ["colour"]}


def test_release_into_a_missing_or_deleted_post_is_refused(x):
    root = x.release("a #KemalaJateng", "a")
    x.delete(root.id)
    with pytest.raises(LookupError):
        x.release("balasan", "b", in_reply_to=root.id)
    with pytest.raises(LookupError):
        x.release("balasan", "b", in_reply_to=42)


# --- 4. the query language ---------------------------------------------------------------------------
@pytest.fixture
def timeline(x):
    posts = {
        "complaint": x.release("Banjir di Kaliwungu Kendal #KemalaJateng", "kendal_info"),
        "lower": x.release("lampu jalan mati #kemalajateng", "andi"),
        "retweet": x.release("RT @kendal_info: Banjir di Kaliwungu #KemalaJateng", "rt_account", is_retweet=True),
        "other_tag": x.release("Banjir juga di Demak #JatengBanjir", "demak"),
        "prefix_tag": x.release("bukan tagar kami #KemalaJatengBaru", "x"),
    }
    posts["kemala"] = x.get(int(post(x, "Halo @kendal_info, tiket X1 #KemalaJateng",
                                     reply_to=posts["complaint"].id).json()["data"]["id"]))
    posts["dinkes"] = x.release("Kami tangani #KemalaJateng", "dinkesjateng", in_reply_to=posts["complaint"].id)
    posts["dpu"] = x.release("Tim meluncur", "dpubmck_jtg", in_reply_to=posts["kemala"].id)
    posts["dpu_own"] = x.release("Info jalan tol", "dpubmck_jtg")
    return posts


@pytest.mark.parametrize("query, expected", [
    ("#KemalaJateng", {"complaint", "lower", "retweet", "kemala", "dinkes"}),
    ("#kemalajateng -is:retweet", {"complaint", "lower", "kemala", "dinkes"}),
    (f"#KemalaJateng -is:retweet -from:{APP_USERNAME}", {"complaint", "lower", "dinkes"}),
    ("(from:dinkesjateng OR from:dpubmck_jtg) is:reply", {"dinkes", "dpu"}),
    ("from:DPUBMCK_JTG -is:reply", {"dpu_own"}),
    ("to:kendal_info", {"kemala", "dinkes"}),
    (f"to:{APP_USERNAME}", {"dpu"}),
    ("banjir", {"complaint", "retweet", "other_tag"}),
    ("banjir -#KemalaJateng", {"other_tag"}),
    ("BANJIR kendal", {"complaint"}),
    ("kali", set()),  # whole words only
    ('"lampu jalan"', {"lower"}),
    ("@kendal_info", {"retweet", "kemala"}),
    ("#JatengBanjir OR lampu", {"other_tag", "lower"}),
    ("demak OR lampu jalan", {"other_tag", "lower"}),  # AND binds tighter than OR
    ("(demak OR lampu) jalan", {"lower"}),
    ("#KemalaJateng -(is:retweet OR is:reply)", {"complaint", "lower"}),
])
def test_search_evaluates_the_query_language(x, timeline, query, expected):
    names = {p.id: name for name, p in timeline.items()}
    assert {names[i] for i in found_ids(x, query)} == expected


def test_conversation_id_finds_a_whole_thread(x, timeline):
    thread = found_ids(x, f"conversation_id:{timeline['complaint'].id}")
    assert set(thread) == {timeline[n].id for n in ("complaint", "kemala", "dinkes", "dpu")}
    assert found_ids(x, f"conversation_id:{timeline['complaint'].id} from:{APP_USERNAME}") == [timeline["kemala"].id]


@pytest.mark.parametrize("query", [
    "x" * 513, "(#KemalaJateng", "#KemalaJateng)", "(a OR b", "a OR", "OR a", "()", "is:reply",
    "-from:KemalaJateng", "is:reply OR #a", "#a lang:id", '"open', "#a - b", "conversation_id:abc",
])
def test_malformed_or_unsupported_queries_get_x_invalid_request(x, query):
    response = search(x, query)
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Invalid Request"
    assert body["type"] == "https://api.twitter.com/2/problems/invalid-request"
    assert body["errors"][0]["parameters"] == {"query": [query]}
    assert body["errors"][0]["message"].startswith("There were errors processing your request")
    assert response.headers["x-rate-limit-remaining"]


def test_a_query_of_exactly_512_characters_is_accepted(x):
    query = "#KemalaJateng " + "a" * (512 - len("#KemalaJateng ") - len(" OR #b")) + " OR #b"
    assert len(query) == 512 and search(x, query).status_code == 200


def test_search_auth_paging_since_and_until(x):
    posts = [x.release(f"aduan {i} #KemalaJateng", f"warga{i}") for i in range(25)]
    assert requests.get(f"{x.base_url}/2/tweets/search/recent", params={"query": QUERY}, timeout=5).status_code == 401
    first = search(x, QUERY, max_results=10, since_id=posts[2].id).json()
    assert [int(t["id"]) for t in first["data"]] == [p.id for p in reversed(posts[15:])]
    second = search(x, QUERY, max_results=10, since_id=posts[2].id, next_token=first["meta"]["next_token"]).json()
    third = search(x, QUERY, max_results=10, since_id=posts[2].id, next_token=second["meta"]["next_token"]).json()
    assert [int(t["id"]) for t in third["data"]] == [p.id for p in reversed(posts[3:5])]
    assert "next_token" not in third["meta"]
    assert found_ids(x, QUERY, until_id=posts[3].id) == [posts[2].id, posts[1].id, posts[0].id]
    assert search(x, QUERY, max_results=9).status_code == 400
    assert search(x, QUERY, next_token="%%%").status_code == 400


def test_search_rate_limit_answers_429_with_headers(x):
    x.rate_limit.limit, x.rate_limit.used = 2, 1
    assert search(x, QUERY).headers["x-rate-limit-remaining"] == "0"
    limited = search(x, QUERY)
    assert limited.status_code == 429 and limited.headers["x-rate-limit-reset"]


# --- 5. posting: limits, failures, auth -----------------------------------------------------------------
def test_posting_is_limited_per_user_with_rate_limit_headers():
    x = XEmulator(post_limit=RateLimit(limit=3, window_seconds=900)).start()
    try:
        remaining = []
        for i in range(3):
            response = post(x, f"balasan {i}")
            assert response.status_code == 201
            remaining.append(response.headers["x-rate-limit-remaining"])
            assert response.headers["x-rate-limit-limit"] == "3"
        assert remaining == ["2", "1", "0"]
        limited = post(x, "balasan 3")
        assert limited.status_code == 429
        assert limited.json()["title"] == "Too Many Requests"
        assert int(limited.headers["x-rate-limit-reset"]) > time.time()
        assert len(x.replies) == 3
        other = x.credentials_for("dinkesjateng")["access_token"]
        assert post(x, "dari akun dinas", token=other).status_code == 201  # another user's own budget
    finally:
        x.stop()


def test_the_default_post_limit_is_100_per_15_minutes():
    x = XEmulator()
    assert (x.post_limit.limit, x.post_limit.window_seconds) == (100, 900)


def test_text_length_is_counted_in_characters(x):
    assert post(x, "é" * 280).status_code == 201
    too_long = post(x, "x" * 281)
    assert too_long.status_code == 400 and too_long.json()["title"] == "Invalid Request"
    assert post(x, "").status_code == 400


def test_failing_posts_answer_503_and_make_nothing(x):
    x.failing_posts = 1
    failed = post(x, "percobaan")
    assert failed.status_code == 503 and failed.json()["title"] == "Service Unavailable"
    assert x.failing_posts == 0 and x.posts == []
    assert post(x, "percobaan").status_code == 201


def test_post_timeouts_make_the_post_but_answer_503_and_a_retry_is_a_duplicate(x):
    complaint = x.release("Jalan rusak #KemalaJateng", "andi")
    x.post_timeouts = 1
    text = "Halo @andi, tiket X9 #KemalaJateng"
    unknown = post(x, text, reply_to=complaint.id)
    assert unknown.status_code == 503 and x.post_timeouts == 0
    assert [(r.text, r.in_reply_to) for r in x.replies] == [(text, complaint.id)]
    assert len(found_ids(x, f"conversation_id:{complaint.id} from:{APP_USERNAME}")) == 1
    retry = post(x, text, reply_to=complaint.id)
    assert retry.status_code == 403
    assert retry.json()["detail"] == "You are not allowed to create a Tweet with duplicate content."
    assert len(x.replies) == 1


def test_posting_needs_oauth_user_context(x):
    bearer = requests.post(f"{x.base_url}/2/tweets", json={"text": "hai"}, headers=BEARER, timeout=5)
    assert bearer.status_code == 403 and bearer.json()["title"] == "Unsupported Authentication"
    assert post(x, "hai", token="stolen-token").status_code == 401
    assert post(x, "hai", token=None).status_code == 201  # a bare OAuth header counts as the app's account
    assert x.replies[0].username == APP_USERNAME


def test_replying_to_a_deleted_or_unknown_post_is_forbidden(x):
    complaint = x.release("Aduan #KemalaJateng", "warga")
    x.delete(complaint.id)
    response = post(x, "Halo @warga", reply_to=complaint.id)
    assert response.status_code == 403
    assert "deleted or not visible" in response.json()["detail"]
    assert post(x, "Halo", reply_to=12345).status_code == 403
    assert x.replies == []


# --- 6. deletion and lookup ------------------------------------------------------------------------------
def test_a_citizen_deleting_a_post_removes_it_from_search_and_the_timeline(x):
    keep = x.release("Aduan satu #KemalaJateng", "a")
    gone = x.release("Aduan dua #KemalaJateng", "b")
    assert x.delete(gone.id) is True and x.delete(gone.id) is False
    assert found_ids(x, QUERY) == [keep.id]
    assert [p.id for p in x.posts] == [keep.id] and [p.id for p in x.deleted] == [gone.id]
    assert not matches(QUERY, gone)


def test_delete_endpoint_deletes_only_the_callers_own_posts(x):
    citizen = x.release("Aduan #KemalaJateng", "warga")
    reply_id = post(x, "Halo @warga #KemalaJateng", reply_to=citizen.id).json()["data"]["id"]
    url = f"{x.base_url}/2/tweets"
    assert requests.delete(f"{url}/{citizen.id}", headers=oauth(), timeout=5).status_code == 403
    assert requests.delete(f"{url}/{reply_id}", headers=BEARER, timeout=5).status_code == 403
    deleted = requests.delete(f"{url}/{reply_id}", headers=oauth(), timeout=5)
    assert deleted.status_code == 200 and deleted.json() == {"data": {"deleted": True}}
    assert x.replies == [] and found_ids(x, QUERY) == [citizen.id]
    again = requests.delete(f"{url}/{reply_id}", headers=oauth(), timeout=5)
    assert again.status_code == 404 and again.json()["errors"][0]["type"].endswith("/resource-not-found")
    assert post(x, "Halo @warga #KemalaJateng", reply_to=citizen.id).status_code == 201  # no longer a duplicate


def test_lookup_returns_live_posts_and_not_found_errors(x):
    live = x.release("Aduan #KemalaJateng", "a")
    gone = x.release("Dihapus #KemalaJateng", "b")
    x.delete(gone.id)
    response = requests.get(f"{x.base_url}/2/tweets", params={"ids": f"{live.id},{gone.id},7",
                                                              "tweet.fields": "conversation_id,author_id"},
                            headers=BEARER, timeout=5)
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == [{"id": str(live.id), "text": live.text, "edit_history_tweet_ids": [str(live.id)],
                             "author_id": _user_id("a"), "conversation_id": str(live.id)}]
    assert [(e["resource_id"], e["type"]) for e in body["errors"]] == [
        (str(gone.id), "https://api.twitter.com/2/problems/resource-not-found"),
        ("7", "https://api.twitter.com/2/problems/resource-not-found")]
    single = requests.get(f"{x.base_url}/2/tweets/{gone.id}", headers=BEARER, timeout=5).json()
    assert "data" not in single and single["errors"][0]["parameter"] == "id"
    assert requests.get(f"{x.base_url}/2/tweets", params={"ids": "abc"}, headers=BEARER, timeout=5).status_code == 400


# --- 7. speed and thread safety -----------------------------------------------------------------------
def test_search_stays_fast_with_ten_thousand_posts(x):
    for i in range(10_000):
        x.release(f"aduan {i} #KemalaJateng" if i % 100 else f"aduan {i} tanpa tagar", f"warga{i % 50}")
    started = time.perf_counter()
    first = search(x, QUERY)
    scan_all = search(x, "from:warga0 tanpa")  # the 100 posts without the tag: scans the whole timeline
    elapsed = time.perf_counter() - started
    assert first.json()["meta"]["result_count"] == 100 and "next_token" in first.json()["meta"]
    assert scan_all.json()["meta"]["result_count"] == 100 and "next_token" not in scan_all.json()["meta"]
    assert elapsed < 1.5, f"two searches over 10,000 posts took {elapsed:.2f}s"


def test_concurrent_posts_and_releases_keep_one_consistent_timeline(x):
    root = x.release("Aduan #KemalaJateng", "warga")
    releaser = threading.Thread(target=lambda: [x.release(f"lain {i} #KemalaJateng", "lain") for i in range(200)])
    releaser.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda i: post(x, f"balasan {i}", reply_to=root.id).status_code, range(60)))
    releaser.join()
    assert codes == [201] * 60
    ids = [p.id for p in x.posts]
    assert len(ids) == 261 and ids == sorted(set(ids))
    assert len(x.replies) == 60 and x.post_limit.used == 60
    assert len(found_ids(x, f"conversation_id:{root.id} is:reply")) == 60


def test_post_keeps_its_positional_shape():
    from datetime import datetime, timezone
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    post_ = Post(5, "a #B", "u", created, False, None, "S1")
    assert (post_.conversation_id, post_.referenced_tweets, post_.source_id, post_.hashtags) == (5, [], "S1", {"b"})
