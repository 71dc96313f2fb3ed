"""The HTTP API on the embedded stack (moto's DynamoDB, the real workflow): concurrent actions on one
ticket are answered 200 or 409, never 500, and fuzzing every documented operation finds no server error."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.tickets import Status
from tests import fuzzing
from tests.stack.conftest import wait_until
from tests.stack.helpers import finish, link, link_secret, repo, waiting


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


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzzing_every_operation_on_the_stack_finds_no_server_error(stack, data):
    ticket_id, holder = _fuzzed_ticket(stack)
    operation = data.draw(st.sampled_from(fuzzing.OPERATIONS))
    case = data.draw(fuzzing.cases(operation, [ticket_id, "X404"], [holder], link_secret(stack)))
    response = requests.request(case.method, stack.api_url + case.path, headers=case.headers, data=case.body, timeout=30)
    fuzzing.check(case, response.status_code, dict(response.headers), response.content)


_FUZZED: list[tuple[str, str]] = []


@pytest.fixture(scope="module", autouse=True)
def _finish_fuzzed(stack):
    yield
    for ticket_id, _ in _FUZZED:
        finish(stack, ticket_id)


def _fuzzed_ticket(stack) -> tuple[str, str]:
    """One ticket for the whole fuzzing run (its holder may change as the fuzzing hands it on)."""
    if not _FUZZED:
        _FUZZED.append(_new_ticket(stack, "Trotoar di Jalan Pemuda Semarang rusak parah, licin kalau hujan #KemalaJateng"))
    ticket_id, _ = _FUZZED[0]
    return ticket_id, repo.get(ticket_id).agency or _FUZZED[0][1]
