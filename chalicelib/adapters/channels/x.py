"""X (Twitter) through tweepy and the X API v2: recent search for the hashtag, replies to citizens.

`X_API_BASE_URL` plays the part that `AWS_ENDPOINT_URL` plays for AWS: when set, requests that
tweepy addresses to api.twitter.com / api.x.com go to that base URL instead (same paths, same
OAuth signatures), which is how the local X API emulator is reached. Unset in deployed stages.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

import tweepy
from requests.adapters import HTTPAdapter

from chalicelib.adapters import secrets
from chalicelib.adapters.channels.parts import split_message
from chalicelib.domain.tickets import Ticket
from chalicelib.services.ports import IncomingMessage, Inbox, RateLimitedError
from chalicelib.settings import Settings

_X_HOSTS = ("https://api.twitter.com", "https://api.x.com")
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
    """A message as posts of at most `limit` characters: one post if it fits, else a numbered thread
    ("... (1/3)") split between words, URLs dropped (X bills a post with a URL 13 times over)."""
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

    def __init__(self, client: tweepy.Client, query: str, account: str, page_size: int = _PAGE_SIZE) -> None:
        self._client = client
        self._query = query
        self._account = account
        self._page_size = page_size  # X: 10 to 100 per page

    @classmethod
    def from_settings(cls, settings: Settings) -> "XChannel":
        credentials = secrets.reader().json(settings.x_credentials_secret)
        return cls(build_client(credentials, settings.x_api_base_url), settings.x_query, settings.x_handle,
                   settings.poll_page_size)

    def receive(self, cursor: str | None) -> Inbox:
        """One page (up to `page_size`) of the tweets newer than the cursor's checkpoint, continuing its drain."""
        return self._page([self._query], cursor)

    def receive_follow_ups(self, cursor: str | None) -> Inbox:
        """One page of replies to Kemala's posts (or naming it) by others: citizens answering in their
        complaint's thread without the hashtag."""
        account = self._account
        return self._page([f"(to:{account} OR @{account}) is:reply -from:{account}"], cursor)

    def receive_agency_replies(self, handles: list[str], cursor: str | None) -> Inbox:
        """One page of the replies posted by the agencies' own accounts, continuing the cursor's drain."""
        if not handles:
            return Inbox([], cursor, True)
        return self._page(_chunked_or_query([f"from:{h}" for h in handles], "is:reply"), cursor)

    def _page(self, queries: list[str], cursor: str | None) -> Inbox:
        """Recent search pages newest first, so a backlog is drained from its newest end down to the
        checkpoint (`since`), one page per call: `until` remembers where the drain stopped, `newest`
        what the checkpoint becomes when it reaches `since`. With several queries a round drains each once."""
        drains = _load(cursor, queries)
        query = next(q for q in queries if not drains[q].done)
        drain = drains[query]
        try:
            response = self._client.search_recent_tweets(
                query, since_id=drain.since, until_id=drain.until, next_token=drain.token, max_results=self._page_size,
                tweet_fields=_TWEET_FIELDS, expansions=["author_id"], user_fields=["username"],
            )
        except tweepy.TooManyRequests as error:
            raise RateLimitedError(_reset_at(error)) from error
        meta = response.meta or {}
        users = {u.id: u.username for u in (response.includes or {}).get("users", [])}
        tweets = [self._message(t, users) for t in response.data or []]
        drain.advance([int(t.source_id) for t in tweets], meta.get("newest_id"), meta.get("next_token"))
        complete = all(d.done for d in drains.values())
        if complete:
            for d in drains.values():
                d.done = False
        tweets.sort(key=lambda t: int(t.source_id))
        return Inbox(messages=tweets, cursor=json.dumps({q: asdict(d) for q, d in drains.items()}), complete=complete)

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

    def missing(self, source_ids: list[str]) -> set[str]:
        """Which of these posts (at most 100) no longer exist: deleted by their authors (or withheld)."""
        try:
            response = self._client.get_tweets(ids=source_ids, user_auth=False)
        except tweepy.TooManyRequests as error:
            raise RateLimitedError(_reset_at(error)) from error
        return {str(e.get("resource_id") or e.get("value")) for e in response.errors or []
                if str(e.get("type", "")).endswith("/resource-not-found")}

    def find_sent(self, ticket: Ticket, part: str) -> str | None:
        """Kemala's post with this text in the complaint's thread, if an unconfirmed send did go out."""
        query = f"conversation_id:{ticket.source_id} from:{self._account}"
        try:
            response = self._client.search_recent_tweets(query, max_results=_PAGE_SIZE)
        except tweepy.TooManyRequests as error:
            raise RateLimitedError(_reset_at(error)) from error
        return next((str(t.id) for t in response.data or [] if t.text == part), None)


@dataclass
class _Drain:
    """Where paging one query stands: everything up to `since` was received; a drain in progress has
    received everything from `until` up to `newest` (`token`: X's next_token after an empty page)."""

    since: int | None = None
    newest: int | None = None
    until: int | None = None
    token: str | None = None
    done: bool = False  # drained to `since` in this round

    def advance(self, ids: list[int], newest_id: str | None, next_token: str | None) -> None:
        if self.until is None and self.token is None:  # the first page of a drain: its newest end
            self.newest = int(newest_id) if newest_id else None
        if next_token:
            self.until, self.token = (min(ids), None) if ids else (self.until, next_token)
            return
        if self.newest is not None:
            self.since = max(self.since or 0, self.newest)
        self.newest = self.until = self.token = None
        self.done = True


def _load(cursor: str | None, queries: list[str]) -> dict[str, _Drain]:
    """The cursor's drains per query; a query it does not know yet starts from the lowest checkpoint
    (a plain tweet id is the checkpoint of cursors written before drains were kept)."""
    if cursor and cursor.isdigit():
        return {q: _Drain(since=int(cursor)) for q in queries}
    known = {q: _Drain(**state) for q, state in (json.loads(cursor) if cursor else {}).items() if q in queries}
    floor = min((d.since for d in known.values() if d.since is not None), default=None)
    return {q: known.get(q) or _Drain(since=floor) for q in queries}


def _reset_at(error: tweepy.TooManyRequests) -> int | None:
    reset = error.response.headers.get("x-rate-limit-reset") if error.response is not None else None
    return int(reset) if reset and reset.isdigit() else None
