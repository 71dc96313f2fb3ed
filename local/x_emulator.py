"""A local X API v2 emulator that tweepy talks to over HTTP.

It behaves like X where Kemala's design depends on it, inconvenient parts included:

One timeline. Every post is in `XEmulator.posts`, oldest first, whether the local runner released it
(`release`: a citizen's complaint, a retweet, a citizen's follow-up or an agency's reply in a thread) or
an account created it through `POST /2/tweets` (Kemala's replies). Search returns every post that
matches the query, Kemala's own posts included: only a query such as `-from:KemalaJateng` keeps them
out. Posts carry X's thread fields: `conversation_id` (the root post's id), `in_reply_to_user_id` and
`referenced_tweets` (`replied_to`).

Endpoints:
- `GET /2/tweets/search/recent`: bearer token (or OAuth user context); `query` in a subset of X's
  language (below), `since_id`, `until_id`, `max_results` (10-100), `next_token`; `tweet.fields`
  (`created_at`, `author_id`, `conversation_id`, `in_reply_to_user_id`, `referenced_tweets`), `expansions`
  (`author_id`, `in_reply_to_user_id`, `referenced_tweets.id`) with `includes.users` / `includes.tweets`;
  newest first; `x-rate-limit-*` headers, 429 once the app's window (default 450 per 15 min) is spent.
- `POST /2/tweets`: OAuth 1.0a user context (the `oauth_token` names the account; the CREDENTIALS
  belong to @KemalaJateng, a header without a token counts as that account too); `text` of 1-280
  characters (counted like `len()`), `reply.in_reply_to_tweet_id`. 100 posts per 15 minutes per user
  (`post_limit`), with `x-rate-limit-*` headers on every answer and 429 past the limit. 403 for a reply
  to a deleted or unknown post, and for the same account posting the same text twice (X's duplicate-
  content rule: a retry after an unknown outcome gets this answer). Injectable failures:
  `failing_posts` (next N posts answer 503 and are not made) and `post_timeouts` (next N posts ARE made,
  then answer 503: the client cannot tell whether the post exists).
- `DELETE /2/tweets/:id`: OAuth user context; only the author's own posts (403 otherwise).
- `GET /2/tweets?ids=...` and `GET /2/tweets/:id`: `data` for live posts, an `errors` entry of type
  `.../resource-not-found` for deleted or unknown ones.

Query language (parsed once per request by a tokenizer and a recursive-descent parser): keywords
(case-insensitive, whole words), "exact phrases", `#hashtag` (case-insensitive, whole hashtag), `@mention`,
`from:user`, `to:user` (replies to that user), `conversation_id:ID`, `in_reply_to_tweet_id:ID`,
`is:reply`, `is:retweet`; `-` negates a term or a group; whitespace is AND, `OR` (upper case) is OR and
binds looser than AND; parentheses group. Like X, a query longer than 512 characters, malformed
(unbalanced parentheses, dangling OR or `-`), or without a positive standalone term (`is:reply` alone,
`-from:x` alone) is answered 400 in X's `Invalid Request` shape. Operators X has but the emulator does not
(`lang:`, `has:`, `url:`...) are rejected with 400 rather than silently ignored.

Not emulated: the 7-day search window, the app-wide 10,000 posts per 24 h, read limits on lookup, quotes,
media, edits. The time each post is first served by a search is recorded (`served_at`) for latency figures.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import functools
import itertools
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import unquote

from flask import Flask, Response, jsonify, request
from local.serving import serve

FIRST_ID = 1_862_000_000_000_000_000
APP_USERNAME = "KemalaJateng"  # the account the OAuth credentials below belong to
BEARER_TOKEN = "local-bearer-token"
CREDENTIALS = {
    "bearer_token": BEARER_TOKEN, "consumer_key": "local-consumer-key", "consumer_secret": "local-consumer-secret",
    "access_token": "local-access-token", "access_token_secret": "local-access-token-secret",
}
MAX_QUERY_LENGTH = 512
MAX_POST_LENGTH = 280
MAX_LOOKUP_IDS = 100
_PROBLEMS = "https://api.twitter.com/2/problems"
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<!\w)@(\w+)")

TWEET_FIELDS = frozenset({
    "attachments", "author_id", "card_uri", "context_annotations", "conversation_id", "created_at", "edit_controls",
    "edit_history_tweet_ids", "entities", "geo", "id", "in_reply_to_user_id", "lang", "non_public_metrics",
    "note_tweet", "organic_metrics", "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
    "reply_settings", "scopes", "source", "text", "withheld",
})  # X's accepted values; the emulator fills created_at, author_id, conversation_id, in_reply_to_user_id,
#     referenced_tweets (and always id, text, edit_history_tweet_ids) and leaves the others out
EXPANSIONS = frozenset({
    "attachments.media_keys", "attachments.poll_ids", "author_id", "edit_history_tweet_ids",
    "entities.mentions.username", "geo.place_id", "in_reply_to_user_id", "referenced_tweets.id",
    "referenced_tweets.id.author_id",
})


def _user_id(username: str) -> str:
    """A stable numeric id per account; handles are case-insensitive on X, so is this."""
    return str(zlib.crc32(username.lower().encode()))


@dataclass
class Post:
    id: int
    text: str
    username: str
    created_at: datetime
    is_retweet: bool = False
    in_reply_to: int | None = None  # the post this one replies to
    source_id: str | None = None  # the id the tweet had in the file it was loaded from
    conversation_id: int = 0  # the thread's root post; 0 means "this post's own id"
    in_reply_to_user_id: str | None = None
    via_api: bool = False  # created through POST /2/tweets (not released by the runner)
    deleted: bool = False
    hashtags: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.conversation_id:
            self.conversation_id = self.id
        self.hashtags = frozenset(tag.lower() for tag in _HASHTAG.findall(self.text))

    @property
    def author_id(self) -> str:
        return _user_id(self.username)

    @property
    def is_reply(self) -> bool:
        return self.in_reply_to is not None

    @property
    def referenced_tweets(self) -> list[dict[str, str]]:
        return [{"type": "replied_to", "id": str(self.in_reply_to)}] if self.in_reply_to is not None else []


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


# --- the query language ------------------------------------------------------------------------
class QueryError(ValueError):
    """A query X would answer with 400."""


class _Node:
    def matches(self, post: Post) -> bool:
        raise NotImplementedError

    def anchored(self) -> bool:
        """True when every post this node matches is pinned down by a positive standalone term."""
        raise NotImplementedError


class _Term(_Node):
    __slots__ = ("label", "test", "standalone")

    def __init__(self, label: str, test: Callable[[Post], bool], standalone: bool = True) -> None:
        self.label, self.test, self.standalone = label, test, standalone

    def matches(self, post: Post) -> bool:
        return self.test(post)

    def anchored(self) -> bool:
        return self.standalone

    def __repr__(self) -> str:
        return self.label


class _Not(_Node):
    __slots__ = ("child",)

    def __init__(self, child: _Node) -> None:
        self.child = child

    def matches(self, post: Post) -> bool:
        return not self.child.matches(post)

    def anchored(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"-{self.child!r}"


class _And(_Node):
    __slots__ = ("children",)

    def __init__(self, children: list[_Node]) -> None:
        self.children = children

    def matches(self, post: Post) -> bool:
        return all(child.matches(post) for child in self.children)

    def anchored(self) -> bool:
        return any(child.anchored() for child in self.children)

    def __repr__(self) -> str:
        return "(" + " ".join(map(repr, self.children)) + ")"


class _Or(_Node):
    __slots__ = ("children",)

    def __init__(self, children: list[_Node]) -> None:
        self.children = children

    def matches(self, post: Post) -> bool:
        return any(child.matches(post) for child in self.children)

    def anchored(self) -> bool:
        return all(child.anchored() for child in self.children)

    def __repr__(self) -> str:
        return "(" + " OR ".join(map(repr, self.children)) + ")"


# Operators X knows that the emulator does not evaluate: rejected instead of silently matching wrongly.
_UNSUPPORTED_OPERATORS = frozenset({
    "url", "retweets_of", "context", "entity", "place", "place_country", "point_radius", "bounding_box", "lang",
    "has", "sample", "bio", "bio_name", "bio_location", "list", "source", "retweets_of_tweet_id",
    "quotes_of_tweet_id", "followers_count", "tweets_count", "following_count", "listed_count", "url_title",
    "url_description", "url_contains", "images", "media", "links", "mentions", "hashtags", "verified", "nullcast",
})
_SUPPORTED_OPERATORS = frozenset({"from", "to", "conversation_id", "in_reply_to_tweet_id", "is"})
_OPERATOR = re.compile(r"([A-Za-z_]+):(.*)", re.S)
_LPAREN, _RPAREN, _OR, _NEG, _TERM, _PHRASE = "(", ")", "OR", "-", "term", "phrase"


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, position) tuples; a `-` directly before a term or group is a negation."""
    tokens: list[tuple[str, str, int]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append((char, char, i))
            i += 1
        elif char == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                raise QueryError(f"a negation must be followed by a term (at position {i})")
            tokens.append((_NEG, "-", i))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(f"unterminated quoted phrase (at position {i})")
            phrase = text[i + 1:end].strip()
            if not phrase:
                raise QueryError(f"empty quoted phrase (at position {i})")
            tokens.append((_PHRASE, phrase, i))
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            word = text[start:i]
            tokens.append((_OR, word, start) if word == "OR" else (_TERM, word, start))
    return tokens


def _words(value: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)", re.IGNORECASE)


def _numeric(operator: str, value: str) -> int:
    if not value.isdigit():
        raise QueryError(f"{operator}: takes a numeric post id, not {value!r}")
    return int(value)


def _user_test(value: str, attribute: Callable[[Post], str | None]) -> Callable[[Post], bool]:
    wanted = value.lstrip("@")
    user_id = wanted if wanted.isdigit() else _user_id(wanted)
    return lambda post: attribute(post) == user_id


def _term(value: str, position: int) -> _Term:
    if value.startswith("#") and len(value) > 1:
        tag = value[1:].lower()
        return _Term(value, lambda post: tag in post.hashtags)
    if value.startswith("@") and len(value) > 1:
        handle = value[1:].lower()
        return _Term(value, lambda post: any(m.lower() == handle for m in _MENTION.findall(post.text)))
    operator = _OPERATOR.fullmatch(value)
    if operator and operator.group(1).lower() in _SUPPORTED_OPERATORS | _UNSUPPORTED_OPERATORS:
        name, argument = operator.group(1).lower(), operator.group(2)
        if not argument:
            raise QueryError(f"operator {name}: needs a value (at position {position})")
        if name == "from":
            return _Term(value, _user_test(argument, lambda post: post.author_id))
        if name == "to":
            return _Term(value, _user_test(argument, lambda post: post.in_reply_to_user_id))
        if name == "conversation_id":
            conversation = _numeric(name, argument)
            return _Term(value, lambda post: post.conversation_id == conversation)
        if name == "in_reply_to_tweet_id":
            parent = _numeric(name, argument)
            return _Term(value, lambda post: post.in_reply_to == parent)
        if name == "is" and argument.lower() == "reply":
            return _Term(value, lambda post: post.in_reply_to is not None, standalone=False)
        if name == "is" and argument.lower() == "retweet":
            return _Term(value, lambda post: post.is_retweet, standalone=False)
        raise QueryError(f"operator {value!r} is not supported by the local emulator (at position {position})")
    pattern = _words(value)
    return _Term(value, lambda post: pattern.search(post.text) is not None)


class _Parser:
    """query := or ; or := and ("OR" and)* ; and := unary unary* ; unary := "-" unary | "(" or ")" | term"""

    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> _Node:
        node = self.or_()
        token = self.peek()
        if token is not None and token[0] == _RPAREN:
            raise QueryError(f"unbalanced parentheses: ')' at position {token[2]} closes nothing")
        if token is not None:
            raise QueryError(f"unexpected {token[1]!r} (at position {token[2]})")
        return node

    def or_(self) -> _Node:
        children = [self.and_()]
        while (token := self.peek()) is not None and token[0] == _OR:
            self.at += 1
            children.append(self.and_())
        return children[0] if len(children) == 1 else _Or(children)

    def and_(self) -> _Node:
        children = [self.unary()]
        while (token := self.peek()) is not None and token[0] not in (_OR, _RPAREN):
            children.append(self.unary())
        return children[0] if len(children) == 1 else _And(children)

    def unary(self) -> _Node:
        token = self.peek()
        if token is None:
            raise QueryError("the query ends where a term was expected")
        kind, value, position = token
        self.at += 1
        if kind == _NEG:
            return _Not(self.unary())
        if kind == _LPAREN:
            node = self.or_()
            closing = self.peek()
            if closing is None or closing[0] != _RPAREN:
                raise QueryError(f"unbalanced parentheses: '(' at position {position} is never closed")
            self.at += 1
            return node
        if kind == _PHRASE:
            pattern = _words(value)
            return _Term(f'"{value}"', lambda post: pattern.search(post.text) is not None)
        if kind == _TERM:
            return _term(value, position)
        raise QueryError(f"unexpected {value!r} (at position {position})")


@dataclass(frozen=True)
class Query:
    text: str
    root: _Node

    def matches(self, post: Post) -> bool:
        return self.root.matches(post)


@functools.lru_cache(maxsize=256)
def parse_query(text: str) -> Query:
    """Parses a search query as X would accept it; raises QueryError for one X answers with 400."""
    if not text or not text.strip():
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is {len(text)} characters long; at most {MAX_QUERY_LENGTH} are allowed")
    root = _Parser(_tokenize(text)).parse()
    if not root.anchored():
        raise QueryError("the query needs at least one positive standalone operator (a keyword, #hashtag, "
                         "from:, to:, conversation_id: ...); is:reply and is:retweet need one in conjunction")
    return Query(text, root)


def matches(query: str, post: Post) -> bool:
    """Whether recent search for `query` returns `post` (parsing is cached)."""
    return not post.deleted and parse_query(query).matches(post)


# --- X's answers ---------------------------------------------------------------------------------
Reply = tuple[Response, int, dict[str, str]]


def _problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Reply:
    """X's generic problem shape (401, 403, 404, 429, 503)."""
    body = {"title": title, "detail": detail, "type": "about:blank", "status": status}
    return jsonify(body), status, headers or {}


def _invalid_request(parameter: str, value: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = {"errors": [{"parameters": {parameter: [value]}, "message": message}], "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.", "type": f"{_PROBLEMS}/invalid-request"}
    return jsonify(body), 400, headers or {}


def _not_found(post_id: str, parameter: str) -> dict[str, str]:
    return {"value": post_id, "detail": f"Could not find tweet with {parameter}: [{post_id}].",
            "title": "Not Found Error", "resource_type": "tweet", "parameter": parameter, "resource_id": post_id,
            "type": f"{_PROBLEMS}/resource-not-found"}


class _Rejected(Exception):
    """Carries an X error answer out of a helper; the app turns it into the response."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply[1])
        self.reply = reply


def _listed(value: str) -> list[str]:
    return [item for item in value.split(",") if item]


class XEmulator:
    def __init__(self, rate_limit: RateLimit | None = None, post_limit: RateLimit | None = None) -> None:
        self.served_at: dict[int, float] = {}
        self.failing_posts = 0  # the next N posts answer 503 and are not made, as in an outage
        self.post_timeouts = 0  # the next N posts are made, then answer 503: an unknown outcome for the client
        self.rate_limit = rate_limit or RateLimit()  # recent search, per app
        self.post_limit = post_limit or RateLimit(limit=100, window_seconds=900)  # POST /2/tweets, @KemalaJateng
        self._post_limits: dict[str, RateLimit] = {APP_USERNAME: self.post_limit}
        self._tokens: dict[str, str] = {CREDENTIALS["access_token"]: APP_USERNAME}
        self._by_id: dict[int, Post] = {}  # insertion order is id order
        self._order: list[int] = []  # ascending ids, for bisecting since_id / until_id
        self._users: dict[str, str] = {}  # user id -> username
        self._texts: dict[tuple[str, str], int] = {}  # (username, text) -> live posts with it: duplicate rule
        self._ids = itertools.count(FIRST_ID)
        self._lock = threading.Lock()
        self.app = self._build_app()
        self._server: Any = None
        self.base_url = ""

    # --- the timeline, as the runner sees it ----------------------------------------------------
    @property
    def posts(self) -> list[Post]:
        """Every live post, oldest first: released ones and those made through POST /2/tweets."""
        with self._lock:
            return [post for post in self._by_id.values() if not post.deleted]

    @property
    def replies(self) -> list[Post]:
        """Live posts @KemalaJateng (the app's account) made through POST /2/tweets, oldest first."""
        with self._lock:
            return [post for post in self._by_id.values()
                    if post.via_api and post.username == APP_USERNAME and not post.deleted]

    @property
    def deleted(self) -> list[Post]:
        with self._lock:
            return [post for post in self._by_id.values() if post.deleted]

    def get(self, post_id: int) -> Post | None:
        """The post with this id, deleted or not; None if there never was one."""
        with self._lock:
            return self._by_id.get(int(post_id))

    def release(self, text: str, username: str | None = None, created_at: datetime | None = None,
                is_retweet: bool = False, source_id: str | None = None, in_reply_to: int | None = None) -> Post:
        """Puts a post by `username` on the timeline (by default a citizen of its own, `warga_<n>`: posts
        released without an author are not one account's flood); `in_reply_to` makes it a reply in that
        post's thread."""
        with self._lock:
            username = username or f"warga_{len(self._order) + 1}"
            parent = None
            if in_reply_to is not None:
                parent = self._by_id.get(int(in_reply_to))
                if parent is None or parent.deleted:
                    raise LookupError(f"post {in_reply_to} does not exist or was deleted")
            return self._store(text, username, created_at, is_retweet=is_retweet, source_id=source_id,
                               parent=parent, via_api=False)

    def delete(self, post_id: int) -> bool:
        """Deletes a post as its author would (a citizen deleting a tweet); False if there was none to delete."""
        with self._lock:
            post = self._by_id.get(int(post_id))
            if post is None or post.deleted:
                return False
            self._mark_deleted(post)
            return True

    def credentials_for(self, username: str) -> dict[str, str]:
        """OAuth credentials of another account (an agency's handle, a citizen) for POST/DELETE /2/tweets."""
        token = CREDENTIALS["access_token"] if username == APP_USERNAME else f"local-access-token-{username}"
        with self._lock:
            self._tokens[token] = username
        return {**CREDENTIALS, "access_token": token, "access_token_secret": f"{token}-secret"}

    def _store(self, text: str, username: str, created_at: datetime | None, *, is_retweet: bool = False,
               source_id: str | None = None, parent: Post | None, via_api: bool) -> Post:
        post_id = next(self._ids)
        post = Post(post_id, text, username, created_at or datetime.now(timezone.utc), is_retweet=is_retweet,
                    in_reply_to=parent.id if parent else None, source_id=source_id,
                    conversation_id=parent.conversation_id if parent else post_id,
                    in_reply_to_user_id=parent.author_id if parent else None, via_api=via_api)
        self._by_id[post_id] = post
        self._order.append(post_id)
        self._users[post.author_id] = username
        self._texts[(username, text)] = self._texts.get((username, text), 0) + 1
        return post

    def _mark_deleted(self, post: Post) -> None:
        post.deleted = True
        self._texts[(post.username, post.text)] -= 1

    def _search(self, query: Query, since_id: int, upper: int | None, limit: int) -> list[Post]:
        """Up to `limit` live matching posts with since_id < id < upper, newest first (caller holds the lock)."""
        low = bisect.bisect_right(self._order, since_id)
        high = len(self._order) if upper is None else bisect.bisect_left(self._order, upper)
        found: list[Post] = []
        for index in range(high - 1, low - 1, -1):
            post = self._by_id[self._order[index]]
            if not post.deleted and query.matches(post):
                found.append(post)
                if len(found) == limit:
                    break
        return found

    # --- rendering posts as X does ---------------------------------------------------------------
    def _render(self, post: Post, fields: set[str], expansions: set[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"id": str(post.id), "text": post.text, "edit_history_tweet_ids": [str(post.id)]}
        if "created_at" in fields:
            item["created_at"] = post.created_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "author_id" in fields or "author_id" in expansions:
            item["author_id"] = post.author_id
        if "conversation_id" in fields:
            item["conversation_id"] = str(post.conversation_id)
        if post.in_reply_to_user_id and ("in_reply_to_user_id" in fields or "in_reply_to_user_id" in expansions):
            item["in_reply_to_user_id"] = post.in_reply_to_user_id
        if post.referenced_tweets and ("referenced_tweets" in fields or "referenced_tweets.id" in expansions):
            item["referenced_tweets"] = post.referenced_tweets
        return item

    def _includes(self, page: list[Post], fields: set[str], expansions: set[str]) -> dict[str, Any]:
        user_ids: dict[str, None] = {}
        tweets: dict[int, Post] = {}
        for post in page:
            if "author_id" in expansions:
                user_ids[post.author_id] = None
            if "in_reply_to_user_id" in expansions and post.in_reply_to_user_id:
                user_ids[post.in_reply_to_user_id] = None
            if "referenced_tweets.id" in expansions and post.in_reply_to is not None:
                parent = self._by_id.get(post.in_reply_to)
                if parent is not None and not parent.deleted:
                    tweets.setdefault(parent.id, parent)
        includes: dict[str, Any] = {}
        if user_ids:
            includes["users"] = [{"id": uid, "name": self._users.get(uid, uid), "username": self._users.get(uid, uid)}
                                 for uid in user_ids]
        if tweets:
            includes["tweets"] = [self._render(t, fields, expansions) for t in tweets.values()]
        return includes

    @staticmethod
    def _fields(args: Any, headers: dict[str, str] | None = None) -> tuple[set[str], set[str]]:
        """`tweet.fields` and `expansions`, checked against X's values (raises _Rejected)."""
        fields, expansions = set(_listed(args.get("tweet.fields", ""))), set(_listed(args.get("expansions", "")))
        for parameter, given, allowed in (("tweet.fields", fields, TWEET_FIELDS), ("expansions", expansions, EXPANSIONS)):
            for value in sorted(given - allowed):
                raise _Rejected(_invalid_request(parameter, value, f"The `{parameter}` query parameter value "
                                                 f"[{value}] is not one of [{','.join(sorted(allowed))}]", headers))
        return fields, expansions

    # --- who is calling ---------------------------------------------------------------------------
    def _oauth_user(self) -> str | Reply:
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return _problem(403, "Unsupported Authentication",
                            "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
                            "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].")
        token = re.search(r'oauth_token="([^"]*)"', header)
        if token is None:
            return APP_USERNAME
        with self._lock:
            user = self._tokens.get(unquote(token.group(1)))
        return user if user is not None else _problem(401, "Unauthorized", "Unauthorized")

    @staticmethod
    def _may_read() -> bool:
        header = request.headers.get("Authorization", "")
        return header == f"Bearer {BEARER_TOKEN}" or header.startswith("OAuth ")

    # --- HTTP ----------------------------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("x_emulator")
        app.register_error_handler(_Rejected, lambda error: error.reply)

        @app.get("/2/tweets/search/recent")
        def search_recent() -> Reply:
            if not self._may_read():
                return _problem(401, "Unauthorized", "Unauthorized")
            with self._lock:
                allowed, headers = self.rate_limit.take()
            if not allowed:
                return _problem(429, "Too Many Requests", "Too Many Requests", headers)
            args = request.args
            text = args.get("query", "")
            try:
                query = parse_query(text)
            except QueryError as error:
                return _invalid_request("query", text, f"There were errors processing your request: {error}", headers)
            try:
                max_results = int(args.get("max_results", 10))
                since_id = int(args.get("since_id", 0))
                until_id = int(args["until_id"]) if args.get("until_id") else None
            except ValueError:
                return _invalid_request("query", text, "since_id, until_id and max_results must be integers", headers)
            if not 10 <= max_results <= 100:
                return _invalid_request("max_results", str(max_results), f"The `max_results` query parameter value "
                                        f"[{max_results}] is not between 10 and 100", headers)
            try:
                after = int(base64.urlsafe_b64decode(args["next_token"]).decode()) if args.get("next_token") else None
            except (ValueError, binascii.Error):
                return _invalid_request("next_token", args["next_token"], "The `next_token` query parameter value "
                                        f"[{args['next_token']}] is not valid", headers)
            fields, expansions = self._fields(args, headers)
            bounds = [bound for bound in (until_id, after) if bound is not None]
            with self._lock:
                found = self._search(query, since_id, min(bounds) if bounds else None, max_results + 1)
                page, more = found[:max_results], len(found) > max_results
                if not page:
                    return jsonify({"meta": {"result_count": 0}}), 200, headers
                now = time.time()
                for post in page:
                    self.served_at.setdefault(post.id, now)
                data = [self._render(post, fields, expansions) for post in page]
                includes = self._includes(page, fields, expansions)
            body: dict[str, Any] = {"data": data, "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                                                           "result_count": len(data)}}
            if more:
                body["meta"]["next_token"] = base64.urlsafe_b64encode(str(page[-1].id).encode()).decode()
            if includes:
                body["includes"] = includes
            return jsonify(body), 200, headers

        @app.post("/2/tweets")
        def create_tweet() -> Reply:
            user = self._oauth_user()
            if not isinstance(user, str):
                return user
            with self._lock:
                limit = self._post_limits.setdefault(
                    user, RateLimit(limit=self.post_limit.limit, window_seconds=self.post_limit.window_seconds))
                allowed, headers = limit.take()
                if not allowed:
                    return _problem(429, "Too Many Requests", "Too Many Requests", headers)
                if self.failing_posts > 0:
                    self.failing_posts -= 1
                    return _problem(503, "Service Unavailable", "Service Unavailable", headers)
            payload = request.get_json(silent=True)
            if not isinstance(payload, dict):
                return _invalid_request("body", request.get_data(as_text=True)[:100], "the body must be a JSON object",
                                        headers)
            text = payload.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= MAX_POST_LENGTH:
                return _invalid_request("text", str(text), f"text must be 1 to {MAX_POST_LENGTH} characters", headers)
            reply = payload.get("reply") or {}
            reply_to = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
            if reply and (reply_to is None or not str(reply_to).isdigit()):
                return _invalid_request("reply.in_reply_to_tweet_id", str(reply_to),
                                        "$.reply.in_reply_to_tweet_id must be a post id", headers)
            with self._lock:
                parent = self._by_id.get(int(reply_to)) if reply_to is not None else None
                if reply_to is not None and (parent is None or parent.deleted):
                    return _problem(403, "Forbidden",
                                    "You attempted to reply to a Tweet that is deleted or not visible to you.", headers)
                if self._texts.get((user, text)):
                    return _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.",
                                    headers)
                post = self._store(text, user, None, parent=parent, via_api=True)
                if self.post_timeouts > 0:  # made, but the client never hears so
                    self.post_timeouts -= 1
                    return _problem(503, "Service Unavailable", "Service Unavailable", headers)
            return jsonify({"data": {"id": str(post.id), "text": text,
                                     "edit_history_tweet_ids": [str(post.id)]}}), 201, headers

        @app.delete("/2/tweets/<tweet_id>")
        def delete_tweet(tweet_id: str) -> Reply:
            user = self._oauth_user()
            if not isinstance(user, str):
                return user
            if not tweet_id.isdigit():
                return _invalid_request("id", tweet_id, f"The `id` path parameter value [{tweet_id}] is not valid")
            with self._lock:
                post = self._by_id.get(int(tweet_id))
                if post is None or post.deleted:
                    return jsonify({"errors": [_not_found(tweet_id, "id")]}), 404, {}
                if post.username != user:
                    return _problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
                self._mark_deleted(post)
            return jsonify({"data": {"deleted": True}}), 200, {}

        @app.get("/2/tweets")
        def lookup_many() -> Reply:
            return lookup(_listed(request.args.get("ids", "")), "ids")

        @app.get("/2/tweets/<tweet_id>")
        def lookup_one(tweet_id: str) -> Reply:
            return lookup([tweet_id], "id")

        def lookup(ids: list[str], parameter: str) -> Reply:
            if not self._may_read():
                return _problem(401, "Unauthorized", "Unauthorized")
            if not 1 <= len(ids) <= MAX_LOOKUP_IDS or not all(i.isdigit() for i in ids):
                return _invalid_request(parameter, ",".join(ids), f"`{parameter}` takes 1 to {MAX_LOOKUP_IDS} "
                                        "numeric post ids")
            fields, expansions = self._fields(request.args)
            with self._lock:
                posts = [self._by_id.get(int(i)) for i in ids]
                live = [p for p in posts if p is not None and not p.deleted]
                data = [self._render(p, fields, expansions) for p in live]
                includes = self._includes(live, fields, expansions)
            errors = [_not_found(i, parameter) for i, p in zip(ids, posts) if p is None or p.deleted]
            body: dict[str, Any] = {}
            if data:
                body["data"] = data if parameter == "ids" else data[0]
            if includes:
                body["includes"] = includes
            if errors:
                body["errors"] = errors
            return jsonify(body), 200, {}

        return app

    def start(self) -> "XEmulator":
        self._server, self.base_url = serve(self.app)
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
