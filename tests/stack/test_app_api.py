"""The app and partner API on the embedded stack: a complaint filed with the app's key becomes one ticket
on the same workflow (a retried request finds it), the citizen hears back at the contact the app gave,
its status is read back as JSON; no key, a wrong key and bad bodies are 4xx with a reason."""
from __future__ import annotations

import base64
import json
import os

import requests

from tests.stack.conftest import wait_until
from tests.stack.helpers import link, repo, waiting
from tests.stack.test_web_form import jpeg_with_gps


def app_key(stack) -> str:
    secret = stack.aws.session().client("secretsmanager").get_secret_value(SecretId=os.environ["APP_KEY_SECRET"])
    return json.loads(secret["SecretString"])["laporgub-android"]


def test_an_app_complaint_takes_the_same_workflow_and_is_heard_back(stack):
    url, headers = f"{stack.api_url}/app/v1/complaints", {"X-Api-Key": app_key(stack)}
    body = {"request_id": "android-5f2a9c1e", "text": "Puskesmas Pedurungan tutup padahal jam buka, NIK saya 3374011203980001",
            "contact": "0812 3456 0001", "privacy": "confidential", "regency": "3374",
            "photo_base64": base64.b64encode(jpeg_with_gps()).decode()}
    first = requests.post(url, json=body, headers=headers, timeout=30)
    again = requests.post(url, json=body, headers=headers, timeout=30)
    assert first.status_code == 201 and again.status_code == 200, first.text
    ticket_id = first.json()["ticket_id"]
    assert ticket_id == "APPandroid-5f2a9c1e" and again.json()["ticket_id"] == ticket_id
    wait_until(lambda: waiting(ticket_id))
    ticket = repo.get(ticket_id)
    assert (ticket.channel, ticket.author, ticket.privacy.value) == ("app", "+6281234560001", "confidential")
    wait_until(lambda: stack.sms.inbox("+6281234560001"))
    assert ticket_id in stack.sms.inbox("+6281234560001")[0]
    assert requests.post(link(stack, ticket_id, "answer", ticket.agency), timeout=10,
                         data={"text": "Jam layanan kami perbaiki; keluhan dicatat atas nama NIK 3374011203980001."}).ok
    status = wait_until(lambda: (s := requests.get(f"{url}/{ticket_id}", headers=headers, timeout=10).json())
                        .get("answer") and s)
    assert status["status"] == "ANSWERED" and "3374011203980001" not in json.dumps(status)


def test_the_app_api_refuses_without_a_key_and_explains_bad_bodies(stack):
    url, headers = f"{stack.api_url}/app/v1/complaints", {"X-Api-Key": app_key(stack)}
    ok = {"request_id": "android-bad-0001", "text": "Lampu jalan mati di Jalan Pemuda"}
    assert requests.post(url, json=ok, timeout=10).status_code == 401
    assert requests.post(url, json=ok, headers={"X-Api-Key": "salah"}, timeout=10).status_code == 401
    assert requests.get(f"{url}/X1", timeout=10).status_code == 401
    for body, field in [({**ok, "text": 5}, "text"), ({**ok, "request_id": ""}, "request_id"),
                        ({**ok, "photo_base64": "%%%"}, "photo_base64"), ({**ok, "regency": "9999"}, "regency"),
                        ({**ok, "contact": "bukan"}, "contact")]:
        response = requests.post(url, json=body, headers=headers, timeout=10)
        assert response.status_code == 400 and response.json()["field"] == field, response.text
    assert requests.post(url, data="[1, 2", headers={**headers, "Content-Type": "application/json"},
                         timeout=10).status_code == 400
    assert requests.get(f"{url}/APPtidakada", headers=headers, timeout=10).status_code == 404
