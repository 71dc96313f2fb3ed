"""A local X API v2 emulator that tweepy talks to over HTTP.

Implements what Kemala uses, with X's shapes and rules:
- `GET /2/tweets/search/recent`: `query` (hashtags joined by spaces/OR, `-is:retweet`), `since_id`,
  `max_results` (10-100), `next_token`, `tweet.fields`, `expansions=author_id`, `user.fields`;
  newest first; bearer-token auth; `x-rate-limit-*` headers and 429 once the window's budget is spent.
- `POST /2/tweets`: OAuth 1.0a user auth; `text` (at most 280 characters), `reply.in_reply_to_tweet_id`.
Tweets are "released" into the timeline by the local runner (all at once for a replay, a few per poll
for `make run`); the time each tweet is first served by a search is recorded for latency figures.
"""
from __future__ import annotations

import base64
import itertools
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

FIRST_ID = 1_862_000_000_000_000_000
BEARER_TOKEN = "local-bearer-token"
CREDENTIALS = {
    "bearer_token": BEARER_TOKEN, "consumer_key": "local-consumer-key", "consumer_secret": "local-consumer-secret",
    "access_token": "local-access-token", "access_token_secret": "local-access-token-secret",
}


@dataclass
class Post:
    id: int
    text: str
    username: str
    created_at: datetime
    is_retweet: bool = False
    in_reply_to: int | None = None
    source_id: str | None = None  # the id the tweet had in the file it was loaded from


@dataclass
class RateLimit:
    limit: int = 450
    window_seconds: int = 900
    used: int = 0
    window_start: float = field(default_factory=time.time)

    def take(self) -> tuple[bool, dict[str, str]]:
        now = time.time()
        if now - self.window_start >= self.window_seconds:
            self.window_start, self.used = now, 0
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        reset = int(self.window_start + self.window_seconds)
        return allowed, {"x-rate-limit-limit": str(self.limit),
                         "x-rate-limit-remaining": str(self.limit - self.used), "x-rate-limit-reset": str(reset)}


def _user_id(username: str) -> str:
    return str(zlib.crc32(username.encode()))


def matches(query: str, post: Post) -> bool:
    tags = {t.lower() for t in re.findall(r"#(\w+)", query)}
    if "-is:retweet" in query and post.is_retweet:
        return False
    post_tags = {t.lower() for t in re.findall(r"#(\w+)", post.text)}
    return bool(tags & post_tags)


def _error(status: int, title: str, detail: str, headers: dict | None = None):
    body = {"title": title, "detail": detail, "type": f"https://api.twitter.com/2/problems/{title.lower().replace(' ', '-')}"}
    return jsonify(body), status, headers or {}


class XEmulator:
    def __init__(self, rate_limit: RateLimit | None = None) -> None:
        self.posts: list[Post] = []
        self.replies: list[Post] = []
        self.served_at: dict[int, float] = {}
        self.failing_posts = 0  # the next N posts answer 503, as X does in an outage
        self.rate_limit = rate_limit or RateLimit()
        self._ids = itertools.count(FIRST_ID)
        self._lock = threading.Lock()
        self.app = self._build_app()
        self._server = None
        self.base_url = ""

    # --- feeding the timeline ----------------------------------------------------------------
    def release(self, text: str, username: str = "warga_jateng", created_at: datetime | None = None,
                is_retweet: bool = False, source_id: str | None = None) -> Post:
        with self._lock:
            post = Post(next(self._ids), text, username, created_at or datetime.now(timezone.utc),
                        is_retweet=is_retweet, source_id=source_id)
            self.posts.append(post)
        return post

    # --- HTTP ----------------------------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("x_emulator")

        @app.get("/2/tweets/search/recent")
        def search_recent():
            if request.headers.get("Authorization") != f"Bearer {BEARER_TOKEN}":
                return _error(401, "Unauthorized", "Unauthorized")
            allowed, headers = self.rate_limit.take()
            if not allowed:
                return _error(429, "Too Many Requests", "Too Many Requests", headers)
            args = request.args
            query = args.get("query", "")
            if not query or len(query) > 512:
                return _error(400, "Invalid Request", "query is required and at most 512 characters", headers)
            max_results = int(args.get("max_results", 10))
            if not 10 <= max_results <= 100:
                return _error(400, "Invalid Request", "max_results must be between 10 and 100", headers)
            since_id = int(args.get("since_id", 0))
            until = int(base64.urlsafe_b64decode(args["next_token"]).decode()) if args.get("next_token") else None
            with self._lock:
                found = sorted((p for p in self.posts if p.id > since_id and matches(query, p)
                                and (until is None or p.id < until)), key=lambda p: p.id, reverse=True)
            page, rest = found[:max_results], found[max_results:]
            if not page:
                return jsonify({"meta": {"result_count": 0}}), 200, headers
            now = time.time()
            for post in page:
                self.served_at.setdefault(post.id, now)
            fields = set(args.get("tweet.fields", "").split(","))
            data = []
            for post in page:
                item = {"id": str(post.id), "text": post.text, "edit_history_tweet_ids": [str(post.id)]}
                if "created_at" in fields:
                    item["created_at"] = post.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                if "author_id" in fields or "author_id" in args.get("expansions", ""):
                    item["author_id"] = _user_id(post.username)
                data.append(item)
            body = {"data": data, "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                                           "result_count": len(data)}}
            if rest:
                body["meta"]["next_token"] = base64.urlsafe_b64encode(str(page[-1].id).encode()).decode()
            if "author_id" in args.get("expansions", ""):
                users = {p.username for p in page}
                body["includes"] = {"users": [{"id": _user_id(u), "username": u, "name": u} for u in sorted(users)]}
            return jsonify(body), 200, headers

        @app.post("/2/tweets")
        def create_tweet():
            if not request.headers.get("Authorization", "").startswith("OAuth "):
                return _error(403, "Forbidden", "This endpoint requires OAuth 1.0a user context")
            with self._lock:
                if self.failing_posts > 0:
                    self.failing_posts -= 1
                    return _error(503, "Service Unavailable", "Service Unavailable")
            payload = request.get_json(silent=True) or {}
            text = payload.get("text", "")
            if not text or len(text) > 280:
                return _error(400, "Invalid Request", "text must be 1 to 280 characters")
            reply_to = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
            with self._lock:
                post = Post(next(self._ids), text, "KemalaJateng", datetime.now(timezone.utc),
                            in_reply_to=int(reply_to) if reply_to else None)
                self.replies.append(post)
            return jsonify({"data": {"id": str(post.id), "text": text, "edit_history_tweet_ids": [str(post.id)]}}), 201

        return app

    def start(self) -> "XEmulator":
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
