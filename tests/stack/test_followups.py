"""Follow-ups, reopening, abuse and deletion on the embedded stack: a reporter's reply to Kemala's post (no
hashtag) joins the ticket and reaches the agency; "belum diperbaiki" after the resolution reopens it in a
reopen execution that waits for the resolution again; an SMS from the same phone joins its open ticket
(and its phone number never reaches the logs); a flood from one account becomes one triage item that the
desk closes in one action; a banned account is not ticketed; a deleted tweet's text and author are gone
after the daily check, its numbers kept; a status-page comment saying "belum selesai" reopens a web complaint."""
from __future__ import annotations

import re

import pytest
import requests

from chalicelib import bootstrap
from chalicelib.adapters.channels.sms import sms_source_id
from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import FLOOD, REDACTED, Status, ticket_id_for
from local.stack import ROOT
from tests.stack.conftest import wait_until
from tests.stack.helpers import citizen_posts, execution_status, finish, link, repo, waiting
from tests.stack.test_web_form import file, form_id
from tests.stack.workspace_helpers import signed_in


def kemala_posts(stack, post_id: int):
    return [p for p in stack.x.replies if p.conversation_id == post_id]


def mails(stack, agency: str, subject_part: str) -> list[str]:
    return [body for subject, body in stack.mailbox(load_directory()[agency].email) if subject_part in subject]


def test_a_reply_joins_the_ticket_and_not_fixed_reopens_it_for_the_resolution_again(stack):
    post = stack.x.release("Lampu penerangan jalan umum di Jl. Majapahit Pedurungan Semarang mati semua, gelap gulita "
                           "#KemalaJateng",
                           "rina_smg")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: waiting(ticket_id) and kemala_posts(stack, post.id))
    agency = repo.get(ticket_id).agency
    stack.x.release("@KemalaJateng tambahan: tiang lampunya juga miring", "rina_smg",
                    in_reply_to=kemala_posts(stack, post.id)[0].id)
    stack.x.release("@KemalaJateng saya juga lewat situ", "orang_lewat", in_reply_to=kemala_posts(stack, post.id)[0].id)
    stack.poll()
    ticket = wait_until(lambda: (t := repo.get(ticket_id)).follow_ups and t)
    assert [f.text for f in ticket.follow_ups] == ["@KemalaJateng tambahan: tiang lampunya juga miring"]
    assert len(wait_until(lambda: mails(stack, agency, f"Tambahan dari warga untuk tiket {ticket_id}"))) == 1

    assert requests.post(link(stack, ticket_id, "resolve", agency), data={"note": "Lampu sudah diganti."},
                         timeout=10).ok
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED" and len(citizen_posts(stack, post.id)) == 2)
    first_due = repo.get(ticket_id).deadlines.resolution_due
    stack.x.release("Belum diperbaiki, malam ini masih gelap", "rina_smg", in_reply_to=kemala_posts(stack, post.id)[-1].id)
    stack.poll()
    stack.poll()  # fetched again: still one reopening
    wait_until(lambda: repo.get(ticket_id).status is Status.REOPENED and waiting(ticket_id))
    ticket = repo.get(ticket_id)
    assert ticket.agency == agency and ticket.deadlines.resolution_due > first_due
    assert execution_status(stack, f"{ticket_id}-R1") == "RUNNING"
    assert len(wait_until(lambda: mails(stack, agency, f"DIBUKA KEMBALI: tiket {ticket_id}"))) == 1

    assert requests.post(link(stack, ticket_id, "resolve", agency), data={"note": "Kabel diganti, lampu menyala."},
                         timeout=10).ok
    wait_until(lambda: execution_status(stack, f"{ticket_id}-R1") == "SUCCEEDED")
    posts = citizen_posts(stack, post.id)
    assert len(posts) == 3 and "Kabel diganti" in posts[2]
    assert {"X" + ticket_id[1:], f"{ticket_id}-R1"} <= stack.execution_names()


def test_an_sms_from_the_same_phone_joins_its_ticket_and_its_number_stays_out_of_the_logs(stack, accounts):
    phone, planted = "+6281377001122", "081399887766"
    inbound = stack.sms.send(phone, "Jalan berlubang besar di Jl. Kaligawe Genuk Semarang, motor sering jatuh")
    ticket_id = ticket_id_for("sms", sms_source_id(inbound))
    wait_until(lambda: waiting(ticket_id))
    stack.sms.send(phone, f"Lubangnya makin lebar, hubungi saya di {planted}")
    ticket = wait_until(lambda: (t := repo.get(ticket_id)).follow_ups and t)
    assert planted in ticket.follow_ups[0].text and len(repo.scan_all()) == len({t.ticket_id for t in repo.scan_all()})
    agency = ticket.agency
    assert planted in wait_until(lambda: mails(stack, agency, f"Tambahan dari warga untuk tiket {ticket_id}"))[0]
    log = (ROOT / "build" / "test-lambda.log").read_text(encoding="utf-8")
    assert planted not in log and phone not in log
    assert agency == "DPUBMCK"
    page = signed_in(stack, "dpubmck").get(f"{stack.api_url}/workspace/tickets/{ticket_id}").text
    assert "Tambahan dari warga" in page and planted in page  # the handling agency reads it whole
    assert planted not in signed_in(stack, "biro-gubernur").get(f"{stack.api_url}/workspace/tickets/{ticket_id}").text
    finish(stack, ticket_id)


@pytest.fixture
def hourly_limit(monkeypatch):
    """The stack's functions with an hourly limit of 2 per sender, for one test."""
    monkeypatch.setenv("AUTHOR_HOURLY_LIMIT", "2")
    bootstrap.reset()
    yield 2
    monkeypatch.undo()
    bootstrap.reset()


def test_a_flood_becomes_one_triage_item_closed_in_one_action_then_the_account_is_banned(stack, accounts,
                                                                                         hourly_limit):
    posts = [stack.x.release(f"Promo pinjol cepat cair nomor {n}, klik sekarang #KemalaJateng", "spam_pinjol")
             for n in range(6)]
    stack.poll()
    tickets = wait_until(lambda: [t for t in repo.scan_all() if t.author == "spam_pinjol"] or None)
    items = [t for t in tickets if t.hold == FLOOD]
    assert len(tickets) == hourly_limit + 1 and len(items) == 1 and len(items[0].follow_ups) == 4
    held = items[0].ticket_id
    wait_until(lambda: repo.get(held).status is Status.NOTIFIED and repo.get(held).agency == "TRIAGE")
    assert not any(f"X{p.id}" == held for p in posts) and "ticket" not in repo.get(held).deliveries

    desk = signed_in(stack, "triase")
    queue = desk.get(f"{stack.api_url}/workspace/queue").text
    assert f'name="ticket" value="{held}"' in queue and "Tutup yang dicentang" in queue
    closed = desk.post(f"{stack.api_url}/workspace/queue/close", data={"ticket": [held], "reason": "spam"})
    assert closed.status_code == 200 and "1 tiket ditutup" in closed.text
    wait_until(lambda: repo.get(held).status is Status.CLOSED)

    admin = signed_in(stack, "admin")
    page = admin.post(f"{stack.api_url}/workspace/bans", data={"kind": "x", "address": "@Spam_Pinjol", "reason": "spam"})
    assert page.status_code == 200 and "spam_pinjol" in page.text
    assert admin.post(f"{stack.api_url}/workspace/bans", data={"kind": "phone", "address": "abc"}).status_code == 400
    later = stack.x.release("Promo pinjol lagi #KemalaJateng", "spam_pinjol")
    stack.poll()
    assert f"X{later.id}" not in {t.ticket_id for t in repo.scan_all()}
    for ticket in tickets:
        finish(stack, ticket.ticket_id)


def test_a_deleted_tweet_loses_its_text_and_author_within_the_daily_check(stack):
    post = stack.x.release("Sampah menumpuk di pasar Johar Semarang, bau sekali, hubungi 081355554444 #KemalaJateng",
                           "tari_smg")
    ticket_id = f"X{post.id}"
    stack.poll()
    before = wait_until(lambda: (t := repo.get(ticket_id)).agency and t.classification and t)
    kept = stack.x.release("Lampu lalu lintas Tugu Muda Semarang mati #KemalaJateng", "dodi_smg")
    stack.poll()
    stack.x.delete(post.id)
    assert stack.scheduled("check_deleted_posts")["redacted"] == [ticket_id]
    ticket = repo.get(ticket_id)
    assert ticket.text == REDACTED and ticket.author is None and "081355554444" not in str(ticket)
    assert (ticket.agency, ticket.classification.region, ticket.received_at) == (
        before.agency, before.classification.region, before.received_at)
    assert repo.get(f"X{kept.id}").text.startswith("Lampu")
    assert stack.scheduled("check_deleted_posts")["redacted"] == []
    finish(stack, ticket_id)
    finish(stack, f"X{kept.id}")


def test_a_comment_on_the_status_page_saying_not_fixed_reopens_a_web_complaint(stack):
    email = "dewi.warga@mail.example"
    fields = {"form_id": form_id(stack), "text": "Saluran air depan SD Negeri 2 Tembalang tersumbat, meluap tiap hujan",
              "regency": "3374", "kecamatan": "Tembalang", "contact": email, "privacy": "public"}
    assert file(stack, fields).status_code == 201
    ticket_id = f"WEB{fields['form_id']}"
    wait_until(lambda: waiting(ticket_id))
    agency = repo.get(ticket_id).agency
    assert requests.post(link(stack, ticket_id, "resolve", agency), data={"note": "Saluran sudah dikeruk."},
                         timeout=10).ok
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED")
    page = requests.get(f"{stack.api_url}/lapor/status/{ticket_id}", timeout=10).text
    comment_id = re.search(r'name="comment_id" value="([A-Z2-7]{12})"', page).group(1)
    comment = {"comment_id": comment_id, "text": "Belum selesai, kemarin hujan masih meluap"}
    reopened = requests.post(f"{stack.api_url}/lapor/status/{ticket_id}", data=comment, timeout=10)
    assert reopened.status_code == 201 and "dibuka kembali" in reopened.text
    again = requests.post(f"{stack.api_url}/lapor/status/{ticket_id}", data=comment, timeout=10)
    assert again.status_code == 201 and "sudah tercatat" in again.text
    assert requests.post(f"{stack.api_url}/lapor/status/{ticket_id}", data={"comment_id": comment_id, "text": "x"},
                         timeout=10).status_code == 400
    wait_until(lambda: repo.get(ticket_id).status is Status.REOPENED and waiting(ticket_id))
    assert len(repo.get(ticket_id).follow_ups) == 1
    finish(stack, ticket_id)
