"""Signing in and filing complaints on the stack, for the workspace, Open311 and browser tests."""
from __future__ import annotations

import requests

from chalicelib.bootstrap import open311_key
from local.accounts import PASSWORD
from tests.stack.conftest import wait_until
from tests.stack.helpers import repo

ROAD = "Jalan rusak parah berlubang besar di Jl. Pemuda Semarang, sudah dua bulan tidak diperbaiki"
HEALTH = "Puskesmas Kedungmundu Semarang kehabisan obat, pasien disuruh beli sendiri di apotek"


def signed_in(stack, username: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{stack.api_url}/workspace/login", data={"username": username, "password": password},
                            allow_redirects=False)
    assert response.status_code == 303, response.text
    return session


def file_complaint(stack, text: str, agency: str) -> str:
    """A complaint through Open311, waited for until it reached `agency` (routing reads the text)."""
    response = requests.post(f"{stack.api_url}/open311/v2/requests.json",
                             data={"api_key": open311_key(), "service_code": agency, "description": text})
    assert response.status_code == 200, response.text
    ticket_id = response.json()[0]["service_request_id"]
    ticket = wait_until(lambda: (t := repo.get(ticket_id)).task_token and t)
    assert ticket.agency == agency, f"routing sent {ticket_id} to {ticket.agency}"
    return ticket_id
