"""Hypothesis strategies for Kemala's HTTP API, drawn from its description (chalicelib/http/openapi.yaml).

A case is one request to one documented operation. Four in five are well formed from what the
description says (path and query parameters from their schemas, a genuine signed link, a valid
session of one of the demo roles or the app's key, a body of the documented fields in a documented
content type, a photo among them in a multipart form), so the use cases run on the tickets; the
rest change one part or more to anything, the others staying well formed: missing or garbage
parameters, malformed cookies, bearer tokens and keys, bodies of any shape and content type (broken
multipart forms too), over the size limit. `check` holds what every response must satisfy: no
server error, a status and content type the description documents, a message with every error (in
the page for HTML), and the security headers.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from hypothesis import strategies as st

from chalicelib.domain.access import STAFF_GROUPS
from chalicelib.domain.directory import load_directory
from chalicelib.domain.links import SignedLink
from chalicelib.domain.places import regencies_with_kecamatan
from chalicelib.http.auth import COOKIE
from chalicelib.http.security import MAX_BODY_BYTES, SECURITY_HEADERS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # per operation on fakes; `make fuzz` runs many more
STACK_EXAMPLES = max(3, EXAMPLES // 20)  # per operation on the embedded stack (real HTTP through moto)
SPEC = yaml.safe_load((Path(__file__).resolve().parent.parent / "chalicelib" / "http" / "openapi.yaml").read_text())
OPERATIONS = sorted((path, method.upper()) for path, item in SPEC["paths"].items() for method in item)
OPERATION_IDS = [f"{method} {path}" for path, method in OPERATIONS]
AGENCIES = sorted(agency.code for agency in load_directory())
PLACES = dict(sorted(regencies_with_kecamatan().items())[:2])  # two regencies: a kecamatan often matches its regency
CONTACTS = ["warga@contoh.id", "0812 3456 7890", "+6281234567890"]
MULTIPART_BOUNDARY = "kemala-fuzz-7MA4YWxkTrZu0gW"
PARTS = ["path", "query", "credentials", "body"]  # what a case that is not well formed may change
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
    app_key: str  # one app's X-Api-Key


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
        "service_request_id": [",".join(world.ticket_ids[:2]), *world.ticket_ids], "ticket": world.ticket_ids,
        "contact": CONTACTS, "address": ["@akun_warga", *CONTACTS], "regency": sorted(PLACES),
        "kecamatan": sorted({name for _, names in PLACES.values() for name in names[:3]}),
    }
    if name == "username":  # a demo account (signing in) or a new one (the admin creating it)
        return st.sampled_from(sorted(world.sessions)) | st.from_regex(r"\A[a-z][a-z0-9-]{2,20}\Z")
    if name in ("text", "note", "description"):
        return st.text(min_size=1, max_size=60) | st.text(min_size=1900, max_size=2100)
    return st.sampled_from(known[name]) if name in known else None


@lru_cache(maxsize=1)
def _photos() -> list[bytes]:
    """Small images of each format a citizen's photo may have."""
    from PIL import Image

    photos = []
    for fmt in ("JPEG", "PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (3, 2), (200, 120, 40)).save(out, format=fmt)
        photos.append(out.getvalue())
    return photos


def _properties(schema: dict) -> dict:
    """A body schema's fields, those of its `allOf` parts included."""
    schema = resolve(schema)
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties.update(_properties(part))
    return properties


def _from_schema(schema: dict, name: str, world: World) -> st.SearchStrategy:
    """Text for most fields; a list for an array (a repeated form field), bytes for a file."""
    schema = resolve(schema)
    if schema.get("type") == "array":
        return st.lists(_from_schema(schema["items"], name, world), min_size=1, max_size=3)
    known = _known(name, world)
    if known is not None:
        return known
    if schema.get("format") == "binary":
        return st.sampled_from(_photos()) | st.binary(max_size=200)
    if schema.get("format") == "byte":
        return st.sampled_from(_photos()).map(lambda photo: base64.b64encode(photo).decode("ascii")) | st.text(max_size=20)
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


def _value(draw, name: str, schema: dict, world: World, realistic: bool):
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
    """A header value as HTTP carries it: UTF-8 bytes read as Latin-1, no control characters, no whitespace at
    either end (a client sends none: HTTP trims it, and `requests` refuses a value that starts with a space)."""
    return "".join(c for c in value.encode("utf-8").decode("latin-1") if c.isprintable()).strip()


def _key_header(scheme: str) -> str | None:
    """The header an API key scheme is sent in (X-Api-Key), None for a session (cookie or bearer)."""
    described = SPEC["components"]["securitySchemes"][scheme]
    return described["name"] if described["type"] == "apiKey" and described["in"] == "header" else None


def _credentials(draw, spec: dict, world: World, realistic: bool) -> dict:
    """A session of a demo role (cookie or bearer) or the app's key, as the operation takes it; none; or a
    malformed one."""
    schemes = [name for requirement in spec.get("security", [{}]) for name in requirement]
    scheme = draw(st.sampled_from(schemes)) if schemes else None
    key_header = _key_header(scheme) if scheme else None
    token = world.app_key if key_header else draw(st.sampled_from([*sorted(world.sessions.values()), None]))
    if realistic:
        if token is None or scheme is None:
            return {}
        if key_header:
            return {key_header: token}
        if scheme == "bearer":
            return {"Authorization": f"Bearer {token}"}
        return {"Cookie": f"{COOKIE}={token}"}
    garbage = _on_the_wire(draw(odd_text | st.sampled_from([f"{token}x", (token or "")[:-3], "eyJhbGciOiJub25lIn0.e30.",
                                                             "token:"])))
    if key_header:
        return draw(st.sampled_from([{}, {key_header: garbage}, {key_header: token}, {"Authorization": token}]))
    return draw(st.sampled_from([
        {}, {"Cookie": f"{COOKIE}={garbage}"}, {"Cookie": garbage}, {"Cookie": f"a=b; {COOKIE}={token}; {garbage}"},
        {"Authorization": f"Bearer {garbage}"}, {"Authorization": garbage}, {"Authorization": f"Basic {garbage}"},
    ]))


# Multipart forms that break the rules: no closing boundary, a part without a name or headers, a
# declared encoding that is not, nested multipart, a file field sent as text and a text field as a file.
BROKEN_MULTIPART = [
    b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nAir PDAM mati tiga hari",
    b"--x\r\n\r\nno headers\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n%%%not base64\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n"
    b"--y\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nnested\r\n--y--\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"text\"; filename=\"t.txt\"\r\n\r\n\xff\xfe\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name*=utf-8''%C3%A9; filename=\"\xc3\xa9.jpg\"\r\n\r\n\x00\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"form_id\"\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n"
    b"\xff\xfe\x00\xd8\r\n--x--\r\n",
]


def _anything(draw) -> tuple[bytes, str]:
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    kind = draw(st.sampled_from(["none", "json", "bytes", "form", "multipart", "huge"]))
    if kind == "multipart":
        return draw(st.sampled_from(BROKEN_MULTIPART)), draw(st.sampled_from([
            "multipart/form-data; boundary=x", "multipart/form-data", "multipart/form-data; boundary=", content_type]))
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


def _multipart(fields: dict) -> bytes:
    """A multipart/form-data body as browsers send it: bytes as a file, a list as the field repeated."""
    parts = []
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            disposition = f'form-data; name="{name}"' + (f'; filename="{name}.jpg"' if isinstance(one, bytes) else "")
            data = one if isinstance(one, bytes) else one.encode("utf-8")
            parts.append(f"--{MULTIPART_BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n".encode()


def _body(draw, spec: dict, world: World, realistic: bool) -> tuple[bytes, str]:
    documented = spec.get("requestBody", {}).get("content", {})
    if not realistic or not documented:
        return _anything(draw) if not realistic and draw(st.integers(0, 2)) else (b"", "")
    content_type = draw(st.sampled_from(sorted(documented)))
    fields = {}
    for name, schema in _properties(documented[content_type]["schema"]).items():
        if draw(st.integers(0, 3)):
            fields[name] = _value(draw, name, schema, world, True)
    if "json" in content_type:
        content_type = draw(st.sampled_from([content_type, f"{content_type}; charset=utf-8"]))
        return json.dumps(fields).encode(), content_type
    if content_type == "multipart/form-data":
        return _multipart(fields), f"{content_type}; boundary={MULTIPART_BOUNDARY}"
    return urlencode(fields, doseq=True).encode(), content_type


@st.composite
def cases(draw, operation: tuple[str, str], world: World) -> Case:
    """One request to `operation`; four in five well formed (see the module's docstring)."""
    path, method = operation
    spec = spec_of(operation)
    # The fifth that is not well formed changes one part or more and keeps the others well formed, so a
    # bad body also reaches the use case behind a valid session, bad parameters with a good body.
    odd = set() if draw(st.integers(0, 4)) else draw(st.sets(st.sampled_from(PARTS), min_size=1))
    parameters = _parameters(spec)
    path_values = {p["name"]: _value(draw, p["name"], p["schema"], world, "path" not in odd) or "-"  # "": another route
                   for p in parameters if p["in"] == "path"}
    if "path" in odd and "ticket_id" in path_values and draw(st.booleans()):
        path_values["ticket_id"] = draw(st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"))
    url = re.sub(r"\{(\w+)\}", lambda m: quote(path_values[m.group(1)], safe=""), path)
    query = _query(draw, parameters, path_values, world, "query" not in odd)
    if query:
        url += "?" + urlencode(query)
    headers = _credentials(draw, spec, world, "credentials" not in odd)
    body, content_type = _body(draw, spec, world, "body" not in odd)
    if content_type:
        headers["Content-Type"] = content_type
    return Case(method, url, headers, body, operation)


def _message(content_type: str, body: bytes) -> bool:
    """Whether an error response says what is wrong (JSON `Message` or the app API's `error`, Open311
    `description`, a page's alert)."""
    text = body.decode("utf-8", "replace")
    if content_type == "application/json":
        try:
            value = json.loads(text)
        except ValueError:
            return False
        if isinstance(value, dict):
            return bool(value.get("Message") or value.get("error"))
        return bool(value and all(e["description"] for e in value))
    if content_type == "text/xml":
        return re.search(r"<description>[^<]+</description>", text) is not None
    if content_type == "text/html":
        return re.search(r'role="alert"[^>]*>(\s*<[^>]+>)*\s*[^<\s]', text) is not None
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
