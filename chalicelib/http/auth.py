"""Who is asking: the session token from the HttpOnly cookie the login page sets, or an
`Authorization: Bearer` header (scripts), verified against the user pool on every request."""
from __future__ import annotations

from chalicelib.domain.access import User
from chalicelib.services.ports import InvalidTokenError
from chalicelib.services.users import UserAdmin

COOKIE = "kemala_session"
SESSION_SECONDS = 8 * 3600  # the ID token's lifetime in the user pool


def token_of(request) -> str | None:
    headers = request.headers or {}
    bearer = headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    return _cookie(headers.get("cookie", ""), COOKIE)


def _cookie(header: str, name: str) -> str | None:
    """One cookie's value. Not `http.cookies.SimpleCookie`: it raises on a name it finds illegal, or
    drops every cookie after one it cannot read, and browsers send whatever other sites set."""
    for pair in header.split(";"):
        key, sep, value = pair.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip('"') or None
    return None


def user_of(request, users: UserAdmin) -> User:
    """The signed-in user; InvalidTokenError when there is none or the token does not verify."""
    token = token_of(request)
    if not token:
        raise InvalidTokenError("no session")
    return users.who(token)


def session_cookie(token: str, secure: bool) -> str:
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{flags}"


def expired_cookie() -> str:
    return f"{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
