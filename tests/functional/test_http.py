"""The HTTP API on in-memory fakes, through Chalice's test client: every known 500 of issue 9 is now a
4xx with a message, every response carries the security headers, the OpenAPI description names
every route, and fuzzing every documented operation finds no server error."""
from __future__ import annotations

import json
import time

import pytest
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

import app as app_module
from chalicelib import bootstrap
from chalicelib.domain.links import SignedLink
from chalicelib.domain.tickets import Ticket
from chalicelib.http.security import SECURITY_HEADERS
from chalicelib.services.ports import ConcurrentUpdateError
from tests import fuzzing
from local.accounts import DEMO, PASSWORD
from tests.fakes import APP_KEY, OPEN311_KEY, InMemoryTickets
from tests.functional.test_pipeline import route_and_notify, with_ticket

SECRET = "test-link-secret"


TICKETS = ["X1", "X2", "X3", "X4"]


@pytest.fixture
def api(monkeypatch):
    fakes = with_ticket()
    for ticket_id in TICKETS:
        if ticket_id != "X1":
            fakes.tickets.add(Ticket(ticket_id, "x", ticket_id[1:], fakes.tickets.get("X1").text, fakes.now))
        route_and_notify(fakes, ticket_id)
    monkeypatch.setattr(bootstrap, "link_secret", lambda: SECRET)
    monkeypatch.setattr(bootstrap, "app_keys", lambda: {"laporgub-android": APP_KEY})
    bootstrap.use(fakes.kemala)
    with Client(app_module.app) as client:
        yield client.http, fakes
    bootstrap.reset()


def url(action: str, agency: str = "DINKES", ticket_id: str = "X1", sig: str | None = None, expires: int | None = None):
    link = SignedLink(ticket_id, action, agency, expires or int(time.time()) + 3600)
    if sig is None:
        return link.url("", SECRET)
    return f"/tickets/{ticket_id}/{action}?agency={agency}&exp={link.expires}&sig={sig}"


def message(response) -> str:
    return json.loads(response.body)["Message"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_non_ascii_signature_is_refused_not_a_server_error(api, method):
    http, _ = api
    response = getattr(http, method)(url("acknowledge", sig="%C3%A9" * 32))
    assert response.status_code == 403 and "Tautan tidak sah" in message(response)


@pytest.mark.parametrize("to", [["BPJSKES"], {"code": "BPJSKES"}, 7, None])
def test_a_json_field_that_is_not_text_is_refused(api, to):
    http, fakes = api
    response = http.post(url("reassign"), headers={"Content-Type": "application/json"}, body=json.dumps({"to": to}))
    assert response.status_code == 400 and "'to'" in message(response)
    assert fakes.tickets.get("X1").agency == "DINKES"


def test_a_form_body_that_is_not_utf8_is_refused(api):
    http, _ = api
    response = http.post(url("answer"), headers={"Content-Type": "application/x-www-form-urlencoded"},
                         body=b"text=\xff\xfe\xfa")
    assert response.status_code == 400 and "UTF-8" in message(response)


def test_a_json_string_with_a_lone_surrogate_is_refused(api):
    http, _ = api
    response = http.post(url("answer"), headers={"Content-Type": "application/json"}, body=b'{"text": "\\ud800"}')
    assert response.status_code == 400 and "'text'" in message(response)


def test_a_body_over_the_limit_is_refused_before_anything_reads_it(api):
    http, fakes = api
    response = http.post(url("answer"), headers={"Content-Type": "application/x-www-form-urlencoded"},
                         body=b"text=" + b"x" * (20 * 1024 * 1024))
    assert response.status_code == 413 and "64 KB" in message(response)
    assert fakes.tickets.get("X1").latest_answer is None


def test_only_the_photo_routes_take_a_photo_sized_body(api):
    http, _ = api
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    photo_sized = b"form_id=ABCDEFGH2345&text=" + b"x" * (2 * 1024 * 1024)
    filed = http.post("/lapor", headers=form, body=photo_sized)
    assert filed.status_code == 400 and "4000 karakter" in filed.body.decode()  # read by the form, not refused
    assert http.post(url("answer"), headers=form, body=photo_sized).status_code == 413
    too_large = http.post("/lapor", headers=form, body=b"text=" + b"x" * (5 * 1024 * 1024))
    assert too_large.status_code == 413 and "foto maksimal 4 MB" in message(too_large)
    app_call = http.post("/app/v1/complaints", headers={"Content-Type": "application/json"},
                         body=json.dumps({"text": "x" * (6 * 1024 * 1024)}))
    assert app_call.status_code == 413 and "foto maksimal 4 MB" in message(app_call)


def test_an_over_long_field_is_refused(api):
    http, _ = api
    response = http.post(url("answer"), headers={"Content-Type": "application/json"}, body=json.dumps({"text": "a" * 2001}))
    assert response.status_code == 400 and "2000" in message(response)


def test_a_write_that_keeps_racing_answers_409(api, monkeypatch):
    http, fakes = api
    monkeypatch.setattr(InMemoryTickets, "save", lambda self, ticket: (_ for _ in ()).throw(ConcurrentUpdateError("X1")))
    response = http.post(url("acknowledge"))
    assert response.status_code == 409 and "coba lagi" in message(response)


def test_an_expired_link_is_gone_with_a_message(api):
    http, fakes = api
    for method in (http.get, http.post):
        response = method(url("acknowledge", expires=int(time.time()) - 1))
        assert response.status_code == 410 and "kedaluwarsa" in message(response)
    assert fakes.tickets.get("X1").acknowledged_at is None


def test_a_link_without_its_expiry_is_incomplete(api):
    http, _ = api
    response = http.post("/tickets/X1/acknowledge?agency=DINKES&sig=abc")
    assert response.status_code == 400 and "'exp'" in message(response)


def test_every_response_carries_the_security_headers(api):
    http, _ = api
    responses = [http.get("/tickets/X1"), http.get(url("answer")), http.get("/tickets/X1/explode"),
                 http.put("/tickets/X1"), http.post(url("answer"), headers={"Content-Type": "text/plain"}, body=b"x")]
    assert [r.status_code for r in responses] == [200, 200, 404, 405, 415]
    for response in responses:
        assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "frame-ancestors 'none'" in responses[1].headers["Content-Security-Policy"]


def test_the_page_posts_back_with_the_same_link(api):
    http, _ = api
    page = http.get(url("answer")).body.decode()
    assert 'action="answer?agency=DINKES&amp;exp=' in page and 'maxlength="2000"' in page


def test_the_openapi_description_is_valid_and_names_every_route():
    validate(fuzzing.SPEC)
    routes = sorted((path, method) for path, methods in app_module.app.routes.items() for method in methods)
    assert routes == fuzzing.OPERATIONS


@pytest.mark.parametrize("operation", fuzzing.OPERATIONS, ids=fuzzing.OPERATION_IDS)
@settings(max_examples=fuzzing.EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=fuzzing.st.data())
def test_fuzzing_every_operation_finds_no_server_error(api, operation, data):
    http, fakes = api
    world = fuzzing.World(TICKETS + ["X404"], ["DINKES", "TRIAGE"], SECRET,
                          {name: f"token:{name}" for name in DEMO}, PASSWORD, OPEN311_KEY, APP_KEY)
    case = data.draw(fuzzing.cases(operation, world))
    response = http.request(case.method, case.path, headers=case.headers, body=case.body)
    fuzzing.check(case, response.status_code, dict(response.headers), response.body)
