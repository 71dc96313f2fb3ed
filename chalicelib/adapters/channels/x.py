"""X (Twitter) through tweepy and the X API v2: recent search for the hashtag, replies to citizens.

`X_API_BASE_URL` plays the part that `AWS_ENDPOINT_URL` plays for AWS: when set, requests that
tweepy addresses to api.twitter.com / api.x.com go to that base URL instead (same paths, same
OAuth signatures), which is how the local X API emulator is reached. Unset in deployed stages.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import tweepy
from aws_lambda_powertools.utilities import parameters
from requests.adapters import HTTPAdapter

from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import IncomingMessage, Inbox, RateLimitedError
from chalicelib.settings import Settings

_X_HOSTS = ("https://api.twitter.com", "https://api.x.com")
_SECRET_MAX_AGE = 300
_PAGE_SIZE = 100


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


class XChannel:
    """Complaints are tweets with the hashtag; Kemala answers in the complaint's thread."""

    code = "x"

    def __init__(self, client: tweepy.Client, query: str, max_pages: int) -> None:
        self._client = client
        self._query = query
        self._max_pages = max_pages

    @classmethod
    def from_settings(cls, settings: Settings) -> "XChannel":
        credentials = parameters.get_secret(settings.x_credentials_secret, transform="json", max_age=_SECRET_MAX_AGE)
        return cls(build_client(credentials, settings.x_api_base_url), settings.x_query, settings.poll_max_pages)

    def receive(self, cursor: str | None) -> Inbox:
        """Every tweet newer than `cursor` (a tweet id), up to `max_pages` pages of 100, oldest first."""
        tweets: list[IncomingMessage] = []
        newest_id: str | None = None
        next_token: str | None = None
        complete = True
        for _ in range(self._max_pages):
            try:
                response = self._client.search_recent_tweets(
                    self._query, since_id=cursor, max_results=_PAGE_SIZE, next_token=next_token,
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
            tweets.extend(IncomingMessage(self.code, str(t.id), t.text, users.get(t.author_id), t.created_at)
                          for t in response.data or [])
            next_token = meta.get("next_token")
            if not next_token:
                break
        else:
            complete = next_token is None
        tweets.sort(key=lambda t: int(t.source_id))
        return Inbox(messages=tweets, cursor=newest_id, complete=complete)

    def reply(self, ticket: Ticket, text: str) -> str:
        response = self._client.create_tweet(text=text, in_reply_to_tweet_id=ticket.source_id, user_auth=True)
        return str(response.data["id"])
