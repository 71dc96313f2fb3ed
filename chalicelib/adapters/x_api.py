"""The X API v2 through tweepy: recent search for the hashtag, and replies to citizens.

`X_API_BASE_URL` plays the part that `AWS_ENDPOINT_URL` plays for AWS: when set, requests that
tweepy addresses to api.twitter.com / api.x.com go to that base URL instead (same paths, same
OAuth signatures), which is how the local X API emulator is reached. Unset in deployed stages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import tweepy
from requests.adapters import HTTPAdapter

_X_HOSTS = ("https://api.twitter.com", "https://api.x.com")


class RateLimitedError(Exception):
    """X answered 429; `reset_at` (epoch seconds) says when the window reopens, if X told us."""

    def __init__(self, reset_at: int | None) -> None:
        super().__init__(f"rate limited until {reset_at}")
        self.reset_at = reset_at


@dataclass(frozen=True)
class IncomingTweet:
    tweet_id: str
    text: str
    author: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class SearchResult:
    tweets: list[IncomingTweet]  # oldest first
    newest_id: str | None
    complete: bool  # False when a page could not be fetched: the checkpoint must not move


class _BaseUrlOverride(HTTPAdapter):
    """Sends requests addressed to X's host to another base URL, keeping path, query and headers."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._base = urlsplit(base_url)

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.url = urlunsplit((self._base.scheme, self._base.netloc, url.path, url.query, ""))
        return super().send(request, **kwargs)


def build_client(credentials: dict[str, str], base_url: str | None = None) -> tweepy.Client:
    client = tweepy.Client(
        bearer_token=credentials["bearer_token"],
        consumer_key=credentials.get("consumer_key"), consumer_secret=credentials.get("consumer_secret"),
        access_token=credentials.get("access_token"), access_token_secret=credentials.get("access_token_secret"),
        wait_on_rate_limit=False,
    )
    if base_url:
        adapter = _BaseUrlOverride(base_url)
        for host in _X_HOSTS:
            client.session.mount(host, adapter)
    return client


class XApi:
    def __init__(self, client: tweepy.Client) -> None:
        self._client = client

    def search_recent(self, query: str, since_id: str | None, max_pages: int) -> SearchResult:
        """Every tweet newer than `since_id` (up to `max_pages` pages of 100), oldest first."""
        tweets: list[IncomingTweet] = []
        newest_id: str | None = None
        next_token: str | None = None
        complete = True
        for _ in range(max_pages):
            try:
                response = self._client.search_recent_tweets(
                    query, since_id=since_id, max_results=100, next_token=next_token,
                    tweet_fields=["created_at", "author_id"], expansions=["author_id"], user_fields=["username"],
                )
            except tweepy.TooManyRequests as error:
                if not tweets:
                    raise RateLimitedError(getattr(error, "reset_time", None)) from error
                complete = False
                break
            meta = response.meta or {}
            newest_id = newest_id or meta.get("newest_id")
            users = {u.id: u.username for u in (response.includes or {}).get("users", [])}
            tweets.extend(
                IncomingTweet(str(t.id), t.text, users.get(t.author_id), t.created_at) for t in response.data or []
            )
            next_token = meta.get("next_token")
            if not next_token:
                break
        else:
            complete = next_token is None
        tweets.sort(key=lambda t: int(t.tweet_id))
        return SearchResult(tweets=tweets, newest_id=newest_id, complete=complete)

    def reply(self, in_reply_to: str, text: str) -> str:
        response = self._client.create_tweet(text=text, in_reply_to_tweet_id=in_reply_to, user_auth=True)
        return str(response.data["id"])
