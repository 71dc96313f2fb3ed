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

from chalicelib.adapters.channels.parts import split_message
from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import IncomingMessage, Inbox, RateLimitedError
from chalicelib.settings import Settings

_X_HOSTS = ("https://api.twitter.com", "https://api.x.com")
_SECRET_MAX_AGE = 300
_PAGE_SIZE = 100
_POST_LIMIT = 280
_QUERY_LIMIT = 512
_TWEET_FIELDS = ["created_at", "author_id", "conversation_id"]


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


def thread(text: str, limit: int = _POST_LIMIT) -> list[str]:
    """A message as posts of at most `limit` characters (a numbered thread when it does not fit one)."""
    return split_message(text, limit)


def _chunked_or_query(terms: list[str], suffix: str) -> list[str]:
    """`(t1 OR t2 ...) suffix` queries, each within X's query length."""
    queries, current = [], []
    for term in terms:
        if current and len(f"({' OR '.join(current + [term])}) {suffix}") > _QUERY_LIMIT:
            queries.append(f"({' OR '.join(current)}) {suffix}")
            current = []
        current.append(term)
    if current:
        queries.append(f"({' OR '.join(current)}) {suffix}")
    return queries


class XChannel:
    """Complaints are tweets with the hashtag; Kemala answers in the complaint's thread. Its own
    posts are left out by the query (`-from:`) and again by intake."""

    code = "x"
    pacing = (100, 900)  # X: 100 posts per 15 minutes per account

    def __init__(self, client: tweepy.Client, query: str, max_pages: int, account: str) -> None:
        self._client = client
        self._query = query
        self._max_pages = max_pages
        self._account = account

    @classmethod
    def from_settings(cls, settings: Settings) -> "XChannel":
        credentials = parameters.get_secret(settings.x_credentials_secret, transform="json", max_age=_SECRET_MAX_AGE)
        return cls(build_client(credentials, settings.x_api_base_url), settings.x_query, settings.poll_max_pages,
                   settings.x_handle)

    def receive(self, cursor: str | None) -> Inbox:
        """Every tweet newer than `cursor` (a tweet id), up to `max_pages` pages of 100, oldest first."""
        return self._search([self._query], cursor)

    def receive_agency_replies(self, handles: list[str], cursor: str | None) -> Inbox:
        """Replies posted by the agencies' own accounts, newer than `cursor`, oldest first."""
        if not handles:
            return Inbox([], cursor, True)
        return self._search(_chunked_or_query([f"from:{h}" for h in handles], "is:reply"), cursor)

    def _search(self, queries: list[str], cursor: str | None) -> Inbox:
        tweets: list[IncomingMessage] = []
        newest: list[int] = []
        complete = True
        for query in queries:
            found, newest_id, query_complete = self._search_one(query, cursor, raise_when_empty=not tweets)
            tweets += found
            newest += [int(newest_id)] if newest_id else []
            complete = complete and query_complete
            if not query_complete:
                break
        tweets.sort(key=lambda t: int(t.source_id))
        return Inbox(messages=tweets, cursor=str(max(newest)) if newest else None, complete=complete)

    def _search_one(self, query: str, cursor: str | None, raise_when_empty: bool):
        tweets: list[IncomingMessage] = []
        newest_id: str | None = None
        next_token: str | None = None
        for _ in range(self._max_pages):
            try:
                response = self._client.search_recent_tweets(
                    query, since_id=cursor, max_results=_PAGE_SIZE, next_token=next_token,
                    tweet_fields=_TWEET_FIELDS, expansions=["author_id"], user_fields=["username"],
                )
            except tweepy.TooManyRequests as error:
                if raise_when_empty and not tweets:
                    raise RateLimitedError(_reset_at(error)) from error
                return tweets, newest_id, False
            meta = response.meta or {}
            newest_id = newest_id or meta.get("newest_id")
            users = {u.id: u.username for u in (response.includes or {}).get("users", [])}
            tweets += [self._message(t, users) for t in response.data or []]
            next_token = meta.get("next_token")
            if not next_token:
                return tweets, newest_id, True
        return tweets, newest_id, next_token is None

    def _message(self, tweet, users: dict) -> IncomingMessage:
        conversation = str(tweet.conversation_id) if tweet.conversation_id else None
        return IncomingMessage(self.code, str(tweet.id), tweet.text, users.get(tweet.author_id), tweet.created_at,
                               conversation_id=conversation if conversation != str(tweet.id) else None)

    def render(self, text: str) -> list[str]:
        return thread(text)

    def send(self, ticket: Ticket, part: str, after: str | None) -> str:
        """Post a part in the complaint's thread (a later part replies to the one before)."""
        try:
            response = self._client.create_tweet(text=part, in_reply_to_tweet_id=after or ticket.source_id,
                                                 user_auth=True)
        except tweepy.TooManyRequests as error:
            raise RateLimitedError(_reset_at(error)) from error
        return str(response.data["id"])

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        """Kemala's post with this text in the complaint's thread, if an unconfirmed send did go out."""
        query = f"conversation_id:{ticket.source_id} from:{self._account}"
        try:
            response = self._client.search_recent_tweets(query, max_results=_PAGE_SIZE)
        except tweepy.TooManyRequests as error:
            raise RateLimitedError(_reset_at(error)) from error
        return next((str(t.id) for t in response.data or [] if t.text == part), None)


def _reset_at(error: tweepy.TooManyRequests) -> int | None:
    reset = error.response.headers.get("x-rate-limit-reset") if error.response is not None else None
    return int(reset) if reset and reset.isdigit() else None
