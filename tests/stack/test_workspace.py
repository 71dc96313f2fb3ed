"""The workspace on the embedded stack: real Cognito tokens, every refusal of another agency's
ticket, an agency working a ticket to resolution, the governor's overview and report, Open311."""
from __future__ import annotations

import csv
import io

import pytest
import requests

from chalicelib.domain.tickets import Status
from tests.stack.helpers import link, repo
from tests.stack.workspace_helpers import HEALTH, ROAD, file_complaint, signed_in


@pytest.fixture(scope="module")
def road(stack, accounts) -> str:
    return file_complaint(stack, ROAD, "DPUBMCK")


def test_an_agency_works_its_ticket_from_notified_to_resolved(stack, accounts, road):
    pu = signed_in(stack, "dpubmck")
    queue = pu.get(f"{stack.api_url}/workspace/queue")
    assert queue.status_code == 200 and road in queue.text
    for action, data, confirmation in (("acknowledge", {}, "dikonfirmasi"),
                                       ("answer", {"text": "Tim kami meninjau besok pagi"}, "tersimpan"),
                                       ("resolve", {"note": "Lubang sudah ditambal"}, "dinyatakan selesai")):
        page = pu.post(f"{stack.api_url}/workspace/tickets/{road}/{action}", data=data)
        assert page.status_code == 200 and confirmation in page.text, page.text
    ticket = repo.get(road)
    assert ticket.status is Status.RESOLVED
    assert [h.status for h in ticket.history][-3:] == [Status.ACKNOWLEDGED, Status.ANSWERED, Status.RESOLVED]


def test_another_agency_is_refused_everywhere_with_a_message(stack, accounts, road):
    dinkes, url = signed_in(stack, "dinkes"), stack.api_url
    token = dinkes.cookies.get("kemala_session")
    bearer = {"Authorization": f"Bearer {token}"}
    refusals = [
        dinkes.get(f"{url}/workspace/tickets/{road}"),
        dinkes.post(f"{url}/workspace/tickets/{road}/acknowledge"),
        dinkes.post(f"{url}/workspace/tickets/{road}/reassign", data={"to": "DINKES", "reason": "ambil"}),
        dinkes.get(f"{url}/workspace/queue?agency=DPUBMCK"),
        dinkes.get(f"{url}/workspace/overview"),
        dinkes.get(f"{url}/workspace/report"),
        dinkes.get(f"{url}/workspace/users"),
        requests.get(f"{url}/api/tickets/{road}", headers=bearer),
        requests.post(f"{url}/api/tickets/{road}/acknowledge", json={}, headers=bearer),
    ]
    for response in refusals:
        assert response.status_code == 403, (response.request.url, response.status_code)
        assert "instansi Anda" in response.text or "hanya untuk" in response.text or "bukan" in response.text
    forged = link(stack, road, "acknowledge", "DPUBMCK").replace("agency=DPUBMCK", "agency=DINKES")
    assert requests.post(forged).status_code == 403
    assert requests.get(f"{url}/workspace/tickets/NOPE1", cookies=dinkes.cookies).status_code == 404


def test_without_a_valid_session_nothing_is_shown(stack, accounts, road):
    url = stack.api_url
    anonymous = requests.get(f"{url}/workspace/queue", allow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/workspace/login")
    assert requests.get(f"{url}/api/tickets/{road}").status_code == 401
    token = signed_in(stack, "dpubmck").cookies.get("kemala_session")
    header, claims, signature = token.split(".")
    tampered = ".".join([header, claims[:-4] + ("AAAA" if claims[-4:] != "AAAA" else "BBBB"), signature])
    assert requests.get(f"{url}/api/tickets/{road}", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    wrong = requests.post(f"{url}/workspace/login", data={"username": "dpubmck", "password": "salah"})
    assert wrong.status_code == 401 and "salah" in wrong.text


def test_the_handing_agency_keeps_reading_but_cannot_act(stack, accounts):
    ticket_id = file_complaint(stack, HEALTH, "DINKES")
    dinkes = signed_in(stack, "dinkes")
    moved = dinkes.post(f"{stack.api_url}/workspace/tickets/{ticket_id}/reassign",
                        data={"to": "DPUBMCK", "reason": "soal bangunan puskesmas"})
    assert moved.status_code == 200 and "dialihkan ke DPUBMCK" in moved.text
    assert "Hanya dapat dibaca" in dinkes.get(f"{stack.api_url}/workspace/tickets/{ticket_id}").text
    assert dinkes.post(f"{stack.api_url}/workspace/tickets/{ticket_id}/acknowledge").status_code == 403


def test_the_governors_office_sees_the_overview_and_the_report(stack, accounts, road):
    governor = signed_in(stack, "biro-gubernur")
    month = repo.get(road).received_at.strftime("%Y-%m")
    overview = governor.get(f"{stack.api_url}/workspace/overview")
    assert overview.status_code == 200 and "DPUBMCK" in overview.text
    report = governor.get(f"{stack.api_url}/workspace/report?month={month}&format=csv")
    rows = {row["instansi"]: row for row in csv.DictReader(io.StringIO(report.text))}
    assert int(rows["DPUBMCK"]["diterima"]) >= 1 and int(rows["DPUBMCK"]["selesai"]) >= 1
    assert governor.post(f"{stack.api_url}/workspace/tickets/{road}/acknowledge").status_code == 403
    assert governor.get(f"{stack.api_url}/workspace/report?month=2026-13").status_code == 400


def test_open311_answers_in_the_specs_formats_without_personal_data(stack, accounts, road):
    url = f"{stack.api_url}/open311/v2"
    services = requests.get(f"{url}/services.json").json()
    assert {"service_code", "service_name", "metadata", "type"} <= set(services[0])
    one = requests.get(f"{url}/requests/{road}.json").json()[0]
    assert one["agency_responsible"] and one["requested_datetime"].endswith("+07:00")
    assert "author" not in one and "reporter" not in str(one)
    listed = requests.get(f"{url}/requests.xml", params={"service_code": "DPUBMCK"})
    assert listed.text.startswith('<?xml') and f"<service_request_id>{road}</service_request_id>" in listed.text
    refused = requests.post(f"{url}/requests.json", data={"api_key": "x", "service_code": "DPUBMCK",
                                                          "description": "tes"})
    assert refused.status_code == 403 and refused.json()[0]["description"] == "api_key tidak sah"
    assert requests.get(f"{url}/requests/NOPE.json").status_code == 404
    assert requests.get(f"{url}/requests.json", params={"start_date": "kemarin"}).status_code == 400


def test_the_triage_desk_routes_and_closes_what_reaches_it(stack, accounts):
    chatter = file_complaint(stack, "Terima kasih banyak Pak Gubernur, semangat terus", "TRIAGE")
    vague = file_complaint(stack, "Tolong dong diperhatikan ya", "TRIAGE")
    triage = signed_in(stack, "triase")
    assert chatter in triage.get(f"{stack.api_url}/workspace/queue").text
    closed = triage.post(f"{stack.api_url}/workspace/tickets/{chatter}/close", data={"reason": "ucapan terima kasih"})
    assert closed.status_code == 200 and "ditutup sebagai bukan aduan" in closed.text
    routed = triage.post(f"{stack.api_url}/workspace/tickets/{vague}/reassign",
                         data={"to": "DISHUB", "reason": "lalu lintas"})
    assert routed.status_code == 200 and repo.get(vague).agency == "DISHUB"
    assert repo.get(chatter).status is Status.CLOSED


def test_only_the_admin_manages_users(stack, accounts):
    admin = signed_in(stack, "admin")
    created = admin.post(f"{stack.api_url}/workspace/users",
                         data={"username": "petugas-dishub", "password": "Rahasia-Dishub-1", "group": "DISHUB"})
    assert created.status_code == 200 and "petugas-dishub" in created.text
    assert signed_in(stack, "petugas-dishub", "Rahasia-Dishub-1").get(f"{stack.api_url}/workspace/queue").status_code == 200
    assert signed_in(stack, "biro-gubernur").get(f"{stack.api_url}/workspace/users").status_code == 403
