"""Hypothesis strategies for Kemala's HTTP API, drawn from its description (chalicelib/http/openapi.yaml).

A case is one request to one documented operation. Four in five are well formed from what the
description says (path and query parameters from their schemas, a genuine signed link, a valid
session of one of the demo roles, a body of the documented fields in a documented content type),
so the use cases run on the tickets; the rest change any part to anything: missing or garbage
parameters, malformed cookies and bearer tokens, bodies of any shape and content type, over the
size limit. `check` holds what every response must satisfy: no server error, a status and content
type the description documents, a message with every error (in the page for HTML), and the security
headers.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from hypothesis import strategies as st

from chalicelib.domain.access import STAFF_GROUPS
from chalicelib.domain.directory import load_directory
from chalicelib.domain.links import SignedLink
from chalicelib.http.auth import COOKIE
from chalicelib.http.security import MAX_BODY_BYTES, SECURITY_HEADERS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # per operation on fakes; `make fuzz` runs many more
STACK_EXAMPLES = max(3, EXAMPLES // 20)  # per operation on the embedded stack (real HTTP through moto)
SPEC = yaml.safe_load((Path(__file__).resolve().parent.parent / "chalicelib" / "http" / "openapi.yaml").read_text())
OPERATIONS = sorted((path, method.upper()) for path, item in SPEC["paths"].items() for method in item)
OPERATION_IDS = [f"{method} {path}" for path, method in OPERATIONS]
AGENCIES = sorted(agency.code for agency in load_directory())
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json", "application/json; charset=utf-8",
                 "text/plain", "multipart/form-data; boundary=x", "application/xml", ""]
# Values that broke or nearly broke parsers somewhere: empty, blank, far dates, control characters,
# over-long keys, path tricks, non-ASCII.
ODD = ["", " ", "0", "-1", "0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00",
       "0000-00", "2026-13", "\x00", "\r\nX-Injected: 1", "../../etc/passwd", "%", "é" * 40, "x" * 3000,
       "X1,X2,,X404", "[]", "{}", "null", "/workspace//evil.example", "//evil.example/", "token:admin"]

url_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)
odd_text = st.sampled_from(ODD) | url_text
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4), max_leaves=12)


@dataclass(frozen=True)
class World:
    """What the fuzzing knows of the system under test, so that most requests reach the use cases."""

    ticket_ids: list[str]
    holders: list[str]  # agencies that hold or held the tickets
    secret: str  # the signed links' secret
    sessions: dict[str, str]  # demo username -> a valid session token
    password: str  # the demo accounts' password
    open311_key: str


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with the query string
    headers: dict
    body: bytes
    operation: tuple[str, str]


def resolve(node: dict) -> dict:
    """`node` with its `$ref` (and its schema's) followed."""
    while "$ref" in node:
        target = SPEC
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    return node


def spec_of(operation: tuple[str, str]) -> dict:
    path, method = operation
    return SPEC["paths"][path][method.lower()]


def _known(name: str, world: World) -> st.SearchStrategy[str] | None:
    """Values the system under test knows for a parameter or field of this name (None: the schema's)."""
    known = {
        "ticket_id": world.ticket_ids, "agency": world.holders + AGENCIES, "service_code": AGENCIES, "to": AGENCIES,
        "group": AGENCIES + list(STAFF_GROUPS), "api_key": [world.open311_key], "password": [world.password],
        "service_request_id": [",".join(world.ticket_ids[:2]), *world.ticket_ids],
    }
    if name == "username":  # a demo account (signing in) or a new one (the admin creating it)
        return st.sampled_from(sorted(world.sessions)) | st.from_regex(r"\A[a-z][a-z0-9-]{2,20}\Z")
    if name in ("text", "note", "description"):
        return st.text(min_size=1, max_size=60) | st.text(min_size=1900, max_size=2100)
    return st.sampled_from(known[name]) if name in known else None


def _from_schema(schema: dict, name: str, world: World) -> st.SearchStrategy[str]:
    schema = resolve(schema)
    known = _known(name, world)
    if known is not None:
        return known
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("format") == "date":
        return st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat)
    if schema.get("format") == "date-time":
        moments = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31),
                               timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=7))]))
        return moments.map(lambda m: m.isoformat(timespec="seconds"))
    if name == "name" and "pattern" in schema:  # one Open311 request: a ticket and a format
        return st.builds(lambda t, fmt: f"{t}.{fmt}", st.sampled_from(world.ticket_ids), st.sampled_from(["json", "xml"]))
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return st.text(max_size=60)


def _value(draw, name: str, schema: dict, world: World, realistic: bool) -> str:
    strategy = _from_schema(schema, name, world)
    return draw(strategy if realistic else strategy | odd_text)


def _parameters(spec: dict) -> list[dict]:
    return [resolve(p) for p in spec.get("parameters", [])]


def _signed_query(draw, path_values: dict, world: World, realistic: bool) -> dict:
    """The signed link's agency, expiry and signature: genuine for the path's ticket and action, or not."""
    agency = draw(st.sampled_from(world.holders + AGENCIES) if realistic else st.sampled_from(AGENCIES) | odd_text)
    now = int(time.time())
    expires = draw(st.just(now + 3600) if realistic else st.sampled_from([now + 3600, now - 1]) | st.integers(0, 10**13))
    genuine = SignedLink(path_values["ticket_id"], path_values["action"], agency, expires).signature(world.secret)
    if realistic:
        return {"agency": agency, "exp": str(expires), "sig": genuine}
    query = {"agency": agency, "exp": draw(st.just(str(expires)) | odd_text),
             "sig": draw(st.just(genuine) | odd_text | st.just("é" * 64))}
    return {name: value for name, value in query.items() if draw(st.integers(0, 9))}  # sometimes missing


def _query(draw, parameters: list[dict], path_values: dict, world: World, realistic: bool) -> dict:
    names = sorted(p["name"] for p in parameters if p["in"] == "query")
    signed = "sig" in names
    query = _signed_query(draw, path_values, world, realistic) if signed else {}
    for p in parameters:
        if p["in"] != "query" or (signed and p["name"] in ("agency", "exp", "sig")):
            continue
        if p.get("required") or draw(st.booleans()):
            query[p["name"]] = _value(draw, p["name"], p["schema"], world, realistic)
    if not realistic:
        query.update(draw(st.dictionaries(st.sampled_from(names or ["x"]) | st.text(max_size=8), odd_text, max_size=3)))
    return query


def _on_the_wire(value: str) -> str:
    """A header value as HTTP carries it: UTF-8 bytes read as Latin-1, no control characters."""
    return "".join(c for c in value.encode("utf-8").decode("latin-1") if c.isprintable())


def _credentials(draw, spec: dict, world: World, realistic: bool) -> dict:
    """A session of a demo role (cookie or bearer, as the operation takes it), none, or a malformed one."""
    schemes = [name for requirement in spec.get("security", [{}]) for name in requirement]
    token = draw(st.sampled_from([*sorted(world.sessions.values()), None]))
    if realistic:
        if token is None or not schemes:
            return {}
        if draw(st.sampled_from(schemes)) == "bearer":
            return {"Authorization": f"Bearer {token}"}
        return {"Cookie": f"{COOKIE}={token}"}
    garbage = _on_the_wire(draw(odd_text | st.sampled_from([f"{token}x", (token or "")[:-3], "eyJhbGciOiJub25lIn0.e30.",
                                                             "token:"])))
    return draw(st.sampled_from([
        {}, {"Cookie": f"{COOKIE}={garbage}"}, {"Cookie": garbage}, {"Cookie": f"a=b; {COOKIE}={token}; {garbage}"},
        {"Authorization": f"Bearer {garbage}"}, {"Authorization": garbage}, {"Authorization": f"Basic {garbage}"},
    ]))


def _anything(draw) -> tuple[bytes, str]:
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    kind = draw(st.sampled_from(["none", "json", "bytes", "form", "huge"]))
    if kind == "json":
        fields = st.dictionaries(st.sampled_from(["text", "to", "username", "group", "description"]) | st.text(max_size=10),
                                 json_values, max_size=4)
        return json.dumps(draw(fields | json_values)).encode(), content_type
    if kind == "bytes":
        return draw(st.binary(max_size=300)), content_type
    if kind == "form":
        return draw(st.sampled_from([b"text=\xff\xfe", b"a=%ff%fe", b"=&=&&", b"to=%00", b"x" * 5000])), content_type
    if kind == "huge":
        return b"text=" + b"x" * MAX_BODY_BYTES, content_type
    return b"", content_type


def _body(draw, spec: dict, world: World, realistic: bool) -> tuple[bytes, str]:
    documented = spec.get("requestBody", {}).get("content", {})
    if not realistic or not documented:
        return _anything(draw) if not realistic and draw(st.integers(0, 2)) else (b"", "")
    content_type = draw(st.sampled_from(sorted(documented)))
    properties = resolve(documented[content_type]["schema"]).get("properties", {})
    fields = {}
    for name, schema in properties.items():
        if draw(st.integers(0, 3)):
            fields[name] = _value(draw, name, schema, world, True)
    if "json" in content_type:
        content_type = draw(st.sampled_from([content_type, f"{content_type}; charset=utf-8"]))
        return json.dumps(fields).encode(), content_type
    return urlencode(fields).encode(), content_type


@st.composite
def cases(draw, operation: tuple[str, str], world: World) -> Case:
    """One request to `operation`; four in five well formed (see the module's docstring)."""
    path, method = operation
    spec = spec_of(operation)
    realistic = draw(st.integers(0, 4)) > 0
    parameters = _parameters(spec)
    path_values = {p["name"]: _value(draw, p["name"], p["schema"], world, realistic) or "-"  # "": another route
                   for p in parameters if p["in"] == "path"}
    if not realistic and "ticket_id" in path_values and draw(st.booleans()):
        path_values["ticket_id"] = draw(st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
    url = re.sub(r"\{(\w+)\}", lambda m: quote(path_values[m.group(1)], safe=""), path)
    query = _query(draw, parameters, path_values, world, realistic)
    if query:
        url += "?" + urlencode(query)
    headers = _credentials(draw, spec, world, realistic)
    body, content_type = _body(draw, spec, world, realistic)
    if content_type:
        headers["Content-Type"] = content_type
    return Case(method, url, headers, body, operation)


def _message(content_type: str, body: bytes) -> bool:
    """Whether an error response says what is wrong (JSON `Message`, Open311 `description`, a page's alert)."""
    text = body.decode("utf-8", "replace")
    if content_type == "application/json":
        try:
            value = json.loads(text)
        except ValueError:
            return False
        return bool(value.get("Message")) if isinstance(value, dict) else bool(value and all(e["description"] for e in value))
    if content_type == "text/xml":
        return re.search(r"<description>[^<]+</description>", text) is not None
    if content_type == "text/html":
        return re.search(r'role="alert"[^>]*>\s*[^<\s]', text) is not None
    return bool(text.strip())


def check(case: Case, status: int, headers: dict, body: bytes) -> None:
    """What every answer must be, whatever was asked."""
    assert status < 500, f"{case}: {status} {body[:300]!r}"
    responses = spec_of(case.operation)["responses"]
    assert str(status) in responses, f"{case}: undocumented {status} {body[:300]!r}"
    lower = {k.lower(): v for k, v in headers.items()}
    assert all(lower.get(name.lower()) == value for name, value in SECURITY_HEADERS.items()), f"{case}: {headers}"
    documented = resolve(responses[str(status)])
    # API Gateway and `chalice local` send application/json when a response names no type.
    content_type = lower.get("content-type", "application/json").split(";")[0].strip()
    if "content" in documented:
        assert content_type in documented["content"], f"{case}: {status} as undocumented {content_type}"
    if status == 303:
        assert lower.get("location", "").startswith("/"), f"{case}: {headers}"
    if status >= 400:
        assert _message(content_type, body), f"{case}: {status} without a message: {body[:300]!r}"
