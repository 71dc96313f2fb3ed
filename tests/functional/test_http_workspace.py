"""The workspace, governor, Open311 and JSON API routes on in-memory fakes: one example per server
error or wrong answer the fuzzing (tests/fuzzing.py) found, each now a 4xx with a message or the
right page."""
from __future__ import annotations

import json
from html import unescape
from urllib.parse import urlencode

import pytest

from chalicelib.services.ports import ConcurrentUpdateError
from tests.fakes import APP_KEY, OPEN311_KEY, InMemoryTickets
from tests.functional.test_http import api  # noqa: F401  (the fixture)

DINKES = {"Cookie": "kemala_session=token:dinkes"}
ADMIN = {"Cookie": "kemala_session=token:admin"}
TRIAGE = {"Cookie": "kemala_session=token:triase"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def alert(response) -> str:
    return unescape(response.body.decode().split('role="alert">', 1)[1].split("<", 1)[0].strip())


def message(response) -> str:
    return json.loads(response.body)["Message"]


@pytest.mark.parametrize("cookie", ["a(b)=1; kemala_session=token:dinkes", "x,y=1; kemala_session=token:dinkes",
                                    "kemala_session=token:dinkes; é=1; c"])
def test_a_cookie_header_with_other_odd_cookies_still_signs_in(api, cookie):
    http, _ = api
    response = http.get("/workspace/queue", headers={"Cookie": cookie})
    assert response.status_code == 200 and "DINKES" in response.body.decode()


def test_a_drilldown_without_a_known_agency_is_refused_on_a_page(api):
    http, _ = api
    for query in ("", "?agency=NOPE"):
        response = http.get(f"/workspace/overview/tickets{query}", headers=ADMIN)
        assert response.status_code == 400 and "Kode instansi tidak dikenal" in alert(response)


def test_a_queue_of_an_unknown_agency_is_refused_on_a_page(api):
    http, _ = api
    response = http.get("/workspace/queue?agency=" + "X" * 3000, headers=ADMIN)
    assert response.status_code == 400 and "Kode instansi tidak dikenal" in alert(response)


@pytest.mark.parametrize("path, headers", [("/workspace/login", {}), ("/workspace/users", ADMIN),
                                           ("/workspace/tickets/X1/answer", DINKES), ("/workspace/queue/close", TRIAGE)])
def test_a_form_that_is_not_utf8_is_refused_on_a_page(api, path, headers):
    http, _ = api
    response = http.post(path, headers={**headers, **FORM}, body=b"text=\xff\xfe&username=\xff&ticket=X1\xff")
    assert response.status_code == 400 and "UTF-8" in alert(response)


def test_an_open311_form_that_is_not_utf8_is_refused_in_the_specs_format(api):
    http, _ = api
    response = http.post("/open311/v2/requests.xml", headers=FORM, body=b"description=\xff")
    assert response.status_code == 400 and b"<description>Isi formulir harus berupa teks UTF-8" in response.body


@pytest.mark.parametrize("body", [b"[]", b'"teks"', b"7", b"[" * 60000])
def test_the_json_api_refuses_a_body_that_is_not_an_object(api, body):
    http, _ = api
    response = http.post("/api/tickets/X1/answer", headers={**DINKES, **JSON}, body=body)
    assert response.status_code == 400 and "JSON" in message(response)


@pytest.mark.parametrize("path", ["/api/tickets/X1/answer", "/workspace/tickets/X1/answer"])
def test_an_answer_without_text_is_refused_and_nothing_reaches_the_citizen(api, path):
    http, fakes = api
    response = http.post(path, headers={**DINKES, **JSON} if "api" in path else {**DINKES, **FORM},
                         body=json.dumps({"text": " "}).encode() if "api" in path else b"text=+")
    assert response.status_code == 400
    assert "Jawaban ('text') wajib diisi" in (message(response) if "api" in path else alert(response))
    assert fakes.tickets.get("X1").latest_answer is None


def test_the_json_api_refuses_an_over_long_field(api):
    http, fakes = api
    response = http.post("/api/tickets/X1/answer", headers={**DINKES, **JSON}, body=json.dumps({"text": "a" * 2001}))
    assert response.status_code == 400 and "2000" in message(response)


@pytest.mark.parametrize("ticket_id", ["x" * 65, "X1.", "é", "x" * 3000])
def test_a_ticket_number_that_cannot_be_one_is_refused_before_any_read(api, ticket_id, monkeypatch):
    http, _ = api
    monkeypatch.setattr(InMemoryTickets, "get", lambda self, ticket_id: pytest.fail(f"read {ticket_id[:20]}"))
    assert http.get(f"/api/tickets/{ticket_id}", headers=DINKES).status_code == 400
    assert http.get(f"/workspace/tickets/{ticket_id}", headers=DINKES).status_code == 400
    # DynamoDB refuses a key over 2048 bytes with an error, so the bulk close, the app API and the web
    # form's status page never ask for one (the status page says it is not found, as for a typo).
    closed = http.post("/workspace/queue/close", headers={**TRIAGE, **FORM}, body=urlencode({"ticket": ticket_id}).encode())
    assert closed.status_code == 400 and "Nomor tiket tidak sah" in alert(closed)
    app = http.get(f"/app/v1/complaints/{ticket_id}", headers={"X-Api-Key": APP_KEY})
    assert app.status_code == 400 and "Nomor tiket tidak sah" in json.loads(app.body)["error"]
    for page in (http.get(f"/lapor/status/{ticket_id}"), http.post(f"/lapor/status/{ticket_id}", headers=FORM, body=b"")):
        assert page.status_code == 404 and "tidak ditemukan" in alert(page)
    for path in (f"/open311/v2/requests/{ticket_id}.json", f"/open311/v2/requests.json?service_request_id={ticket_id}"):
        response = http.get(path)
        assert response.status_code == 404 and json.loads(response.body)[0]["description"]


@pytest.mark.parametrize("query", [{"end_date": "0001-01-01"}, {"start_date": "0001-01-01T00:00:00"},
                                   {"start_date": "9999-12-31T23:59:59+14:00"},
                                   {"start_date": "2025-01-01", "end_date": "2026-11-01"}])
def test_open311_refuses_far_dates_and_wide_windows(api, query):
    http, _ = api
    response = http.get(f"/open311/v2/requests.json?{urlencode(query)}")
    assert response.status_code == 400 and "start_date" in response.body.decode() or "end_date" in response.body.decode()


def test_an_unknown_static_file_is_a_404_with_a_message(api):
    http, _ = api
    response = http.get("/static/nope.css")
    assert response.status_code == 404 and "nope.css" in message(response)


@pytest.mark.parametrize("target", ["/workspace\r\nSet-Cookie: x=1", "/workspace/é", "/workspace\\..\\evil", "//evil"])
def test_signing_in_goes_to_a_workspace_page_of_this_site_only(api, target):
    http, _ = api
    response = http.post("/workspace/login", headers=FORM,
                         body=urlencode({"username": "dinkes", "password": "Kemala-Demo-2026", "next": target}).encode())
    assert response.status_code == 303 and response.headers["Location"] == "/workspace"


@pytest.mark.parametrize("fields", [{"username": "dinkes", "password": "Panjang-Sekali-1"},
                                    {"username": "baru", "password": "pendek"}, {"username": "", "password": "x" * 12}])
def test_an_account_the_pool_refuses_is_a_400_page_saying_why(api, fields):
    http, fakes = api
    response = http.post("/workspace/users", headers={**ADMIN, **FORM}, body=urlencode({**fields, "group": "DINKES"}).encode())
    assert response.status_code == 400 and "Pengguna tidak dapat dibuat" in alert(response)
    assert fakes.identity.groups.get(fields["username"]) in (None, "DINKES")


def test_open311_still_files_a_well_formed_request(api):
    http, fakes = api
    response = http.post("/open311/v2/requests.json", headers=FORM, body=urlencode(
        {"api_key": OPEN311_KEY, "service_code": "DINKES", "description": "Puskesmas Tegal tutup"}).encode())
    assert response.status_code == 200 and json.loads(response.body)[0]["service_request_id"] in fakes.tickets.rows


def test_an_action_that_keeps_racing_is_a_409_on_the_page_and_in_the_json_api(api, monkeypatch):
    http, _ = api
    monkeypatch.setattr(InMemoryTickets, "save", lambda self, ticket: (_ for _ in ()).throw(ConcurrentUpdateError("X1")))
    page = http.post("/workspace/tickets/X1/acknowledge", headers={**DINKES, **FORM}, body=b"")
    assert page.status_code == 409 and "coba lagi" in alert(page)
    response = http.post("/api/tickets/X1/acknowledge", headers={**DINKES, **JSON}, body=b"{}")
    assert response.status_code == 409 and "coba lagi" in message(response)


def test_a_bulk_close_with_an_over_long_reason_is_refused_like_one_close(api):
    http, fakes = api
    response = http.post("/workspace/queue/close", headers={**TRIAGE, **FORM},
                         body=urlencode({"ticket": "X1", "reason": "r" * 501}).encode())
    assert response.status_code == 400 and "500" in alert(response)
    assert fakes.tickets.get("X1").agency == "DINKES"


@pytest.mark.parametrize("path", ["/workspace/report?month=9999-12", "/workspace/report?month=0001-01",
                                  "/workspace/overview?start=9999-01-01&end=9999-12-31",
                                  "/workspace/overview/tickets?start=9999-12-31&end=9999-12-31&agency=DINKES",
                                  "/workspace/queue?since=0001-01-01"])
def test_a_far_month_or_day_is_refused_on_a_page(api, path):
    http, _ = api
    response = http.get(path, headers=ADMIN)
    assert response.status_code == 400 and "di luar tahun 2000-2100" in alert(response)
