"""SMS end to end on the embedded stack: a citizen texts Kemala's number (the SMS emulator publishes the
two-way SMS document on the inbound SNS topic, which invokes `receive_sms`), the complaint takes the same
workflow as a tweet, and the ticket number, answer and resolution come back as SMS; `STATUS <ticket>`
is answered by SMS."""
from __future__ import annotations

import random

import requests

from chalicelib.adapters.channels.sms import SMS_LIMIT, sms_source_id
from chalicelib.domain.tickets import ticket_id_for
from tests.stack.conftest import wait_until
from tests.stack.helpers import execution_status, link, repo, waiting


def _ticket_of(inbound_id: str) -> str:
    return ticket_id_for("sms", sms_source_id(inbound_id))


def test_an_sms_complaint_gets_its_ticket_number_answer_and_resolution_by_sms(stack):
    phone = "+6281234500001"
    inbound = stack.sms.send(phone, "Puskesmas Kec. Paguyangan Brebes tutup terus, obat habis, tolong dicek")
    stack.sms.send(phone, "Puskesmas Kec. Paguyangan Brebes tutup terus, obat habis, tolong dicek", inbound)  # redelivered
    ticket_id = _ticket_of(inbound)
    wait_until(lambda: waiting(ticket_id))
    ticket = repo.get(ticket_id)
    assert ticket.channel == "sms" and ticket.agency == "DINKES" and ticket.author == phone
    wait_until(lambda: stack.sms.inbox(phone))
    first = stack.sms.inbox(phone)[0]
    assert ticket_id in first and f"STATUS {ticket_id}" in first and "@" not in first and len(first) <= SMS_LIMIT

    answer = "Dokter jaga kami tempatkan mulai besok pagi dan obat dikirim hari ini dari gudang farmasi. " * 4
    assert requests.post(link(stack, ticket_id, "answer", "DINKES"), data={"text": answer}, timeout=10).ok
    wait_until(lambda: len(stack.sms.inbox(phone)) >= 2 and waiting(ticket_id))
    assert requests.post(link(stack, ticket_id, "resolve", "DINKES"), data={"note": "Puskesmas buka normal."},
                         timeout=10).ok
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED")
    texts = stack.sms.inbox(phone)
    answer_parts = [t for t in texts if "Dokter jaga" in t or "(2/" in t or "(3/" in t]
    assert 2 <= len(answer_parts) <= 3 and all(len(t) <= SMS_LIMIT for t in texts)
    assert "Puskesmas buka normal" in texts[-1]
    assert len([t for t in texts if ticket_id in t and "STATUS" in t]) == 1  # the redelivered SMS made no second ticket


def test_status_by_sms_answers_with_the_status_and_no_personal_data(stack):
    phone, other = "+6281234500002", "+6281234500003"
    inbound = stack.sms.send(phone, "Jalan rusak berlubang di Kartasura Sukoharjo, hubungi saya 081299887766")
    ticket_id = _ticket_of(inbound)
    wait_until(lambda: stack.sms.inbox(phone))
    stack.sms.send(other, f"status {ticket_id.lower()}")
    reply = wait_until(lambda: stack.sms.inbox(other))
    assert ticket_id in reply[0] and "Diteruskan ke instansi" in reply[0]
    assert phone not in reply[0] and "081299887766" not in reply[0]
    stack.sms.send(other, "STATUS S000000000000")
    wait_until(lambda: len(stack.sms.inbox(other)) == 2)
    assert "tidak ditemukan" in stack.sms.inbox(other)[1]


def test_planted_phone_numbers_and_niks_never_reach_public_pages_or_status_replies(stack):
    phone = f"+62812{random.randint(10_000_000, 99_999_999)}"
    nik = f"3374{random.randint(10**11, 10**12 - 1)}"
    other = f"0857{random.randint(10_000_000, 99_999_999)}"
    inbound = stack.sms.send(phone, f"Banjir di Kec. Genuk Semarang, air masuk rumah, NIK saya {nik}, hubungi tetangga {other}")
    ticket_id = _ticket_of(inbound)
    wait_until(lambda: stack.sms.inbox(phone) and waiting(ticket_id))
    agency = repo.get(ticket_id).agency
    assert requests.post(link(stack, ticket_id, "answer", agency), timeout=10,
                         data={"text": f"Kami hubungi pelapor di {other}, NIK {nik} tercatat."}).ok
    stack.sms.send("+6289900000001", f"STATUS {ticket_id}")
    reply = wait_until(lambda: stack.sms.inbox("+6289900000001"))
    shown = [requests.get(f"{stack.api_url}/tickets/{ticket_id}", timeout=10).text,
             requests.get(f"{stack.api_url}/lapor/status/{ticket_id}", timeout=10).text, " ".join(reply)]
    for planted in (phone, phone[1:], nik, other):
        assert not any(planted in text for text in shown)
    assert "[NIK]" in shown[1]
