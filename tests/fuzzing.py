"""Hypothesis strategies for Kemala's HTTP API, drawn from its description (chalicelib/http/openapi.yaml).

A case is one request to one documented operation: path parameters, the signed link's query (often
genuine, so the use cases run; often not), and a body of any shape in any content type. `check`
holds what every response must satisfy: no server error, a status the description documents, a
message with every error, and the security headers.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from hypothesis import strategies as st

from chalicelib.domain.directory import load_directory
from chalicelib.domain.links import SignedLink
from chalicelib.http.security import MAX_BODY_BYTES, SECURITY_HEADERS

SPEC = yaml.safe_load((Path(__file__).resolve().parent.parent / "chalicelib" / "http" / "openapi.yaml").read_text())
OPERATIONS = sorted((path, method.upper()) for path, item in SPEC["paths"].items() for method in item)
ACTIONS = SPEC["components"]["parameters"]["Action"]["schema"]["enum"]
FIELDS = sorted(SPEC["components"]["schemas"]["ActionFields"]["properties"])
AGENCIES = sorted(agency.code for agency in load_directory())
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json", "application/json; charset=utf-8",
                 "text/plain", "multipart/form-data; boundary=x", ""]

url_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4), max_leaves=12)


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with the query string
    headers: dict
    body: bytes
    operation: tuple[str, str]


def _body(draw, realistic: bool) -> tuple[bytes, str]:
    if realistic:
        content_type = draw(st.sampled_from(CONTENT_TYPES[:3]))
        values = st.sampled_from(AGENCIES) | st.text(max_size=60) | st.text(min_size=1900, max_size=2100)
        fields = draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=3))
        return (json.dumps(fields) if "json" in content_type else urlencode(fields)).encode(), content_type
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    kind = draw(st.sampled_from(["none", "json", "bytes", "huge"]))
    if kind == "json":
        fields = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=4)
        return json.dumps(draw(fields | json_values)).encode(), content_type
    if kind == "bytes":
        return draw(st.binary(max_size=300)), content_type
    if kind == "huge":
        return b"text=" + b"x" * MAX_BODY_BYTES, content_type
    return b"", content_type


@st.composite
def cases(draw, operation: tuple[str, str], ticket_ids: list[str], holders: list[str], secret: str) -> Case:
    """Four in five requests are well formed with a genuine link (for `holders` or any agency), so the
    use cases run on the tickets; the rest change any part to anything."""
    path, method = operation
    realistic = draw(st.integers(0, 4)) > 0
    anything = (lambda known: st.sampled_from(known)) if realistic else (lambda known: st.sampled_from(known) | url_text)
    ticket_id = draw(anything(ticket_ids) | (st.nothing() if realistic else st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z")))
    url = f"/tickets/{quote(ticket_id, safe='')}"
    headers: dict = {}
    body = b""
    if "{action}" in path:
        action = draw(anything(ACTIONS))
        agency = draw(anything(holders) | st.sampled_from(AGENCIES))
        now = int(time.time())
        expires = draw(st.just(now + 3600) if realistic else st.sampled_from([now + 3600, now - 1]) | st.integers(0, 10**13))
        genuine = SignedLink(ticket_id, action, agency, expires).signature(secret)
        query = {"agency": agency, "exp": str(expires), "sig": genuine}
        if not realistic:
            query = {"agency": agency, "exp": draw(st.just(str(expires)) | url_text),
                     "sig": draw(st.just(genuine) | url_text | st.just("é" * 64))}
            query = {name: value for name, value in query.items() if draw(st.integers(0, 9))}  # sometimes missing
        url += f"/{quote(action, safe='')}?{urlencode(query)}"
        if method == "POST":
            body, content_type = _body(draw, realistic)
            if content_type:
                headers["Content-Type"] = content_type
    return Case(method, url, headers, body, operation)


def check(case: Case, status: int, headers: dict, body: bytes) -> None:
    """What every answer must be, whatever was asked."""
    assert status < 500, f"{case}: {status} {body[:300]!r}"
    path, method = case.operation
    assert str(status) in SPEC["paths"][path][method.lower()]["responses"], f"{case}: undocumented {status}"
    lower = {k.lower(): v for k, v in headers.items()}
    assert all(lower.get(name.lower()) == value for name, value in SECURITY_HEADERS.items()), f"{case}: {headers}"
    if status >= 400:
        assert json.loads(body)["Message"], case
