"""The HTTP API on the embedded stack (moto's DynamoDB and Cognito, the real workflow): concurrent actions
on one ticket are answered 200 or 409, never 500, and fuzzing every documented operation, signed in as
each demo role or not, finds no server error."""
from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.bootstrap import app_keys, open311_key
from chalicelib.domain.tickets import Status
from local.accounts import PASSWORD
from tests import fuzzing
from tests.stack.conftest import wait_until
from tests.stack.helpers import finish, link, link_secret, repo, waiting
from tests.stack.workspace_helpers import signed_in


def _new_ticket(stack, text: str) -> tuple[str, str]:
    post = stack.x.release(text, "warga_uji")
    stack.poll()
    ticket_id = f"X{post.id}"
    wait_until(lambda: waiting(ticket_id))
    return ticket_id, repo.get(ticket_id).agency


def test_concurrent_actions_on_one_ticket_get_200_or_409_and_one_of_them_wins(stack):
    ticket_id, holder = _new_ticket(stack, "Lampu PJU jalan provinsi di Ungaran mati semua sejak seminggu #KemalaJateng")
    targets = [code for code in ("DISHUB", "DPUBMCK", "DINKES", "BPBD", "DLHK") if code != holder][:4]

    def reassign(i: int) -> int:
        return requests.post(link(stack, ticket_id, "reassign", holder), data={"to": targets[i % len(targets)]},
                             timeout=30).status_code

    def acknowledge(_: int) -> int:
        return requests.post(link(stack, ticket_id, "acknowledge", holder), timeout=30).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        acknowledged = list(pool.map(acknowledge, range(10)))
        reassigned = list(pool.map(reassign, range(10)))
    assert set(acknowledged) <= {200, 409} and 200 in acknowledged, acknowledged
    assert set(reassigned) <= {200, 409} and reassigned.count(200) == 1, reassigned
    ticket = repo.get(ticket_id)
    # The workflow may already have notified the new agency.
    assert ticket.agency in targets and ticket.status in {Status.ASSIGNED, Status.NOTIFIED}
    assert len(ticket.hand_ons()) == 1
    finish(stack, ticket_id)


@pytest.mark.parametrize("username, password", [("", "Panjang-Sekali-2026"), ("akun-baru-uji", ""),
                                                ("akun-baru-uji", "pendek"), ("dinkes", "Panjang-Sekali-2026")])
def test_an_account_cognito_refuses_is_a_400_page_and_leaves_no_half_made_account(stack, accounts, username, password):
    admin = signed_in(stack, "admin")
    response = admin.post(f"{stack.api_url}/workspace/users",
                          data={"username": username, "password": password, "group": "DINKES"})
    assert response.status_code == 400 and "Pengguna tidak dapat dibuat" in response.text
    if username == "akun-baru-uji":
        assert username not in admin.get(f"{stack.api_url}/workspace/users").text


@pytest.mark.parametrize("operation", fuzzing.OPERATIONS, ids=fuzzing.OPERATION_IDS)
@settings(max_examples=fuzzing.STACK_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzzing_every_operation_on_the_stack_finds_no_server_error(stack, accounts, operation, data):
    ticket_id, holder = _fuzzed_ticket(stack)
    world = fuzzing.World([ticket_id, "X404"], [holder], link_secret(stack), _sessions(stack, accounts), PASSWORD,
                          open311_key(), next(iter(app_keys().values())))
    case = data.draw(fuzzing.cases(operation, world))
    response = requests.request(case.method, stack.api_url + case.path, headers=case.headers, data=case.body,
                                allow_redirects=False, timeout=60)
    fuzzing.check(case, response.status_code, dict(response.headers), response.content)
    if _FILING.get(case.operation) == response.status_code:
        ticket_id = _filed(case, response.content)
        if ticket_id not in _FILED:  # the web form answers 201 for a form sent again too
            _FILED.append(ticket_id)


_SESSIONS: dict[str, str] = {}
_FILED: list[str] = []  # tickets the fuzzing filed through Open311, the web form and the app API
_FILING = {("/open311/v2/{name}", "POST"): 200, ("/lapor", "POST"): 201, ("/app/v1/complaints", "POST"): 201}


def _sessions(stack, accounts: dict[str, str]) -> dict[str, str]:
    """A session token of each demo account, signed in once through the login page."""
    if not _SESSIONS:
        _SESSIONS.update({name: signed_in(stack, name).cookies["kemala_session"] for name in accounts})
    return _SESSIONS


def _filed(case: fuzzing.Case, body: bytes) -> str:
    """The ticket number in the answer to a request that filed a complaint."""
    if case.operation[0] == "/lapor":
        return re.search(r'<p class="ticket">([^<]+)</p>', body.decode()).group(1)
    if case.operation[0] == "/app/v1/complaints":
        return json.loads(body)["ticket_id"]
    if ".xml" in case.path:
        return ElementTree.fromstring(body).findtext("request/service_request_id")
    return json.loads(body)[0]["service_request_id"]


_FUZZED: list[tuple[str, str]] = []


@pytest.fixture(scope="module", autouse=True)
def _finish_fuzzed(stack):
    yield
    for ticket_id in _FILED:
        wait_until(lambda: waiting(ticket_id))
    for ticket_id in [t for t, _ in _FUZZED] + _FILED:
        finish(stack, ticket_id)


def _fuzzed_ticket(stack) -> tuple[str, str]:
    """One ticket for the whole fuzzing run (its holder may change as the fuzzing hands it on)."""
    if not _FUZZED:
        _FUZZED.append(_new_ticket(stack, "Trotoar di Jalan Pemuda Semarang rusak parah, licin kalau hujan #KemalaJateng"))
    ticket_id, _ = _FUZZED[0]
    return ticket_id, repo.get(ticket_id).agency or _FUZZED[0][1]
