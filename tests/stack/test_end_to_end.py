"""Tweets in -> tickets in DynamoDB -> SNS messages through SQS -> the agency acknowledges, answers
and resolves, or the ladder climbs; on the embedded stack: real HTTP to the X emulator and the API,
real ASL, real DynamoDB semantics."""
from __future__ import annotations

import time

import requests

from chalicelib.domain.directory import load_directory
from chalicelib.domain.tickets import Status
from local.observe import drain_notifications
from tests.stack.conftest import LADDER_SECONDS, SLA_SECONDS, wait_until
from tests.stack.helpers import (
    citizen_posts, execution_status, link, link_secret, repo, signed, states_entered, waiting,
)


def test_a_complaint_is_acknowledged_answered_and_resolved_and_the_citizen_hears_each_step(stack, capsys):
    post = stack.x.release("Puskesmas Kec. Bumiayu Brebes tutup terus, obat habis #KemalaJateng", "sri_brebes")
    retweet = stack.x.release("RT @sri_brebes: Puskesmas tutup #KemalaJateng", "rt_account", is_retweet=True)
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: waiting(ticket_id))
    assert repo.get(ticket_id).agency == "DINKES"
    assert f"X{retweet.id}" not in {t.ticket_id for t in repo.scan_all()}

    # The e-mailed link shows a confirmation page; only the POST acts.
    page = requests.get(link(stack, ticket_id, "acknowledge", "DINKES"), timeout=10)
    assert page.status_code == 200 and "Konfirmasi penerimaan tiket" in page.text
    assert repo.get(ticket_id).status is Status.NOTIFIED
    assert requests.post(link(stack, ticket_id, "acknowledge", "DINKES"), timeout=10).json()["status"] == "ACKNOWLEDGED"
    wait_until(lambda: "AwaitResolution" in states_entered(stack, ticket_id) and waiting(ticket_id))

    answered = requests.post(link(stack, ticket_id, "answer", "DINKES"), timeout=10,
                             data={"text": "Dokter jaga kami tempatkan mulai besok, obat dikirim hari ini."})
    assert answered.status_code == 200 and answered.json()["status"] == "ANSWERED"
    wait_until(lambda: len(citizen_posts(stack, post.id)) == 2 and waiting(ticket_id))
    resolved = requests.post(link(stack, ticket_id, "resolve", "DINKES"), json={"note": "Puskesmas buka normal."},
                             timeout=10)
    assert resolved.status_code == 200
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED")
    entered = states_entered(stack, ticket_id)
    assert entered[:5] == ["NewOrReopened", "RouteAndNotifyAgency", "TellCitizen", "WhereTheTicketStands", "AwaitResponse"]
    assert entered[-4:] == ["WhereTheTicketStands", "TellCitizen", "WhereTheTicketStands", "Resolved"]
    posts = citizen_posts(stack, post.id)
    assert len(posts) == 3 and f"X{post.id}" in posts[0]
    assert "Dokter jaga" in posts[1] and "Puskesmas buka normal" in posts[2]

    status = requests.get(f"{stack.api_url}/tickets/{ticket_id}", timeout=10).json()
    assert status["status_label"] == "Selesai" and status["resolved"].endswith("WIB")
    emitted = capsys.readouterr().out
    assert '"AgencyNotifications"' in emitted and '"AgencyAnswer"' in emitted


def test_an_ignored_ticket_climbs_both_ladder_levels_then_a_late_answer_still_counts(stack):
    sqs = stack.aws.session().client("sqs")
    post = stack.x.release("Lampu merah perempatan Bangetayu Semarang mati total #KemalaJateng", "andi")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: repo.get(ticket_id).escalation_levels("response") == [1, 2],
               timeout=SLA_SECONDS + 2 * LADDER_SECONDS + 30)
    notes = []
    wait_until(lambda: notes.extend(drain_notifications(sqs, stack.observer_queue_url)) or
               any(n.ticket_id == ticket_id and n.kind == "escalation_response" for n in notes))
    kinds = [(n.topic, n.kind) for n in notes if n.ticket_id == ticket_id]
    agency = repo.get(ticket_id).agency.lower()
    assert kinds.count((f"agency-{agency}", "reminder_response")) == 1
    assert kinds.count((f"agency-{agency}-head", "reminder_response")) == 1
    assert kinds.count(("escalations", "escalation_response")) == 1
    wait_until(lambda: waiting(ticket_id))
    holder = repo.get(ticket_id).agency
    late = requests.post(link(stack, ticket_id, "answer", holder), data={"text": "Maaf terlambat, sudah diperbaiki"},
                         timeout=10)
    assert late.status_code == 200
    wait_until(lambda: any("Maaf terlambat" in text for text in citizen_posts(stack, post.id)))
    assert "EscalateToGovernor" in states_entered(stack, ticket_id)


def test_polling_again_does_not_double_tickets_workflows_or_replies(stack):
    post = stack.x.release("Jalan rusak berlubang di Kartasura Sukoharjo #KemalaJateng", "andi")
    stack.poll()
    wait_until(lambda: waiting(f"X{post.id}"))
    wait_until(lambda: len(citizen_posts(stack, post.id)) == 1)
    stack.aws.session().client("dynamodb").delete_item(
        TableName="kemala-dev-checkpoints", Key={"stream": {"S": "x:inbox"}})
    result = stack.poll()
    assert result["fetched"] >= 1 and result["created"] == 0
    assert sum(1 for name in stack.execution_names() if name == f"X{post.id}") == 1
    assert len(citizen_posts(stack, post.id)) == 1


def test_kemalas_own_posts_come_back_in_search_and_are_never_complaints(stack):
    post = stack.x.release("Sampah menumpuk di TPS Pasar Johar #KemalaJateng", "warga_smg")
    stack.poll()
    wait_until(lambda: len(citizen_posts(stack, post.id)) == 1)
    assert "#KemalaJateng" in citizen_posts(stack, post.id)[0]  # the reply carries the hashtag, as on X
    own = stack.x.replies[-1]
    stack.aws.session().client("dynamodb").delete_item(
        TableName="kemala-dev-checkpoints", Key={"stream": {"S": "x:inbox"}})
    stack.poll()
    assert f"X{own.id}" not in {t.ticket_id for t in repo.scan_all()}


def test_an_agencys_own_reply_on_x_is_its_answer(stack):
    post = stack.x.release("Kartu BPJS saya tiba-tiba nonaktif padahal iuran lancar, Kota Salatiga #KemalaJateng",
                           "warga_sala")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: waiting(ticket_id))
    holder = repo.get(ticket_id).agency
    handle = load_directory()[holder].x_handles[0]
    stack.x.release("@warga_sala Sudah kami aktifkan kembali, silakan dicek", handle, in_reply_to=post.id)
    stack.poll()
    wait_until(lambda: repo.get(ticket_id).status is Status.ANSWERED)
    assert repo.get(ticket_id).history[-1].actor.endswith("(akun X)")
    wait_until(lambda: "AwaitResolution" in states_entered(stack, ticket_id))
    assert len(citizen_posts(stack, post.id)) == 1  # only the ticket number: the citizen has the agency's reply


def test_api_rejects_bad_links_with_clear_messages(stack):
    post = stack.x.release("Sampah menumpuk di TPA Jatibarang bau sampai kampung #KemalaJateng", "smg")
    stack.poll()
    ticket_id = f"X{post.id}"
    wait_until(lambda: waiting(ticket_id))
    holder = repo.get(ticket_id).agency
    base = f"{stack.api_url}/tickets/{ticket_id}/acknowledge"
    missing = requests.post(base, timeout=10)
    assert missing.status_code == 400 and "sig" in missing.json()["Message"]
    assert requests.post(base, params={"agency": holder, "exp": "1", "sig": "0" * 64}, timeout=10).status_code == 403
    other = "DINKES" if holder != "DINKES" else "DISHUB"
    forged = signed(ticket_id, "acknowledge", other)
    wrong_agency = requests.post(base, params={"agency": other, "exp": forged.expires,
                                               "sig": forged.signature(link_secret(stack))}, timeout=10)
    assert wrong_agency.status_code == 403 and holder in wrong_agency.json()["Message"]
    empty = requests.post(link(stack, ticket_id, "answer", holder), data={"text": "  "}, timeout=10)
    assert empty.status_code == 400 and "Jawaban" in empty.json()["Message"]
    unknown_action = requests.post(f"{stack.api_url}/tickets/{ticket_id}/explode", timeout=10)
    assert unknown_action.status_code == 404
    assert requests.get(f"{stack.api_url}/tickets/X404", timeout=10).status_code == 404
    assert repo.get(ticket_id).status is Status.NOTIFIED


def test_rate_limited_search_keeps_the_checkpoint_and_catches_up_after_the_reset(stack):
    stack.poll()  # warm: the window below must not pass while the function starts
    stack.x.release("Pupuk subsidi langka di Kec. Tayu Pati #KemalaJateng", "tani")
    limit = stack.x.rate_limit
    # resets in 15 s: the two polls below must both come before it, even on a slow machine
    limit.window_start, limit.used = time.time() - limit.window_seconds + 15, limit.limit
    assert stack.poll()["stopped"] == "rate limited"
    limit.used = 0
    assert stack.poll()["stopped"] == "rate limited" and limit.used == 0  # X is not asked before the reset
    time.sleep(max(0.0, limit.window_start + limit.window_seconds - time.time()) + 1)
    assert stack.poll()["created"] >= 1
