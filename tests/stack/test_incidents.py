"""A burst of SMS reports of one flood in one kecamatan on the embedded stack: one incident with every
report linked, one alert to the agency, one answer given on any report reaches every reporter by SMS.
`make test` sends 20 reports; `make test-burst` sends the issue's 50 (slow on the embedded stack)."""
from __future__ import annotations

import os
import time

import requests

from chalicelib.adapters.channels.sms import sms_source_id
from chalicelib.domain.tickets import Status, ticket_id_for
from local.observe import drain_notifications
from tests.stack.conftest import wait_until
from tests.stack.helpers import link, repo

REPORTS = int(os.environ.get("INCIDENT_REPORTS", "20"))  # `make test-burst`: the 50 of the issue
TEMPLATES = [
    "Banjir di Kec. Genuk Semarang, air masuk rumah setinggi {n} cm, mohon bantuan",
    "Kec. Genuk Kota Semarang banjir lagi, rumah kami kemasukan air {n} cm",
    "Tolong, banjir parah di Genuk Semarang, air di dalam rumah sudah {n} cm",
    "Banjir Genuk Semarang makin tinggi, rumah terendam {n} cm, anak-anak mengungsi",
    "Air banjir masuk rumah warga Genuk Semarang sekitar {n} cm sejak subuh",
]


def test_fifty_reports_of_one_flood_become_one_incident_and_all_hear_the_answer(stack):
    sqs = stack.aws.session().client("sqs")
    drain_notifications(sqs, stack.observer_queue_url)
    phones = [f"+62813000{i:05d}" for i in range(REPORTS)]
    tickets = []
    for i, phone in enumerate(phones):  # a burst over ~15 s: the embedded moto server drops connections beyond that
        tickets.append(ticket_id_for("sms", sms_source_id(stack.sms.send(phone, TEMPLATES[i % 5].format(n=20 + i)))))
        time.sleep(0.3)
    wait_until(lambda: all(repo.get(t).status is Status.NOTIFIED for t in tickets), timeout=180)
    incidents = {repo.get(t).incident for t in tickets}
    assert len(incidents) == 1 and None not in incidents
    incident = incidents.pop()
    assert {repo.get(t).agency for t in tickets} == {"BPBD"}
    alerts = [n for n in drain_notifications(sqs, stack.observer_queue_url)
              if n.ticket_id in tickets and n.kind == "new_ticket"]
    assert [n.ticket_id for n in alerts] == [incident.removeprefix("INC")]

    answer = "Pompa air dan perahu karet BPBD menuju Genuk; posko pengungsian dibuka di kantor kecamatan."
    assert requests.post(link(stack, tickets[REPORTS // 3], "answer", "BPBD"), data={"text": answer}, timeout=30).ok
    wait_until(lambda: all(repo.get(t).status is Status.ANSWERED for t in tickets), timeout=120)
    wait_until(lambda: all(any("Pompa air" in sms for sms in stack.sms.inbox(p)) for p in phones), timeout=240)
    assert all(sum("Pompa air" in sms for sms in stack.sms.inbox(p)) == 1 for p in phones)
