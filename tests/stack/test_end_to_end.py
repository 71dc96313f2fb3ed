"""Tweets in -> tickets in DynamoDB -> SNS messages through SQS -> acknowledged or escalated,
on the embedded stack: real HTTP to the X emulator and the API, real ASL, real DynamoDB semantics."""
from __future__ import annotations

import json

import requests

from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.domain import links
from chalicelib.domain.tickets import Status
from local.observe import drain_notifications
from tests.stack.conftest import SLA_SECONDS, wait_until

repo = DynamoTicketRepository()


def _history(stack, ticket_id: str) -> list[str]:
    sfn = stack.aws.session().client("stepfunctions")
    arn = stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def _status(stack, ticket_id: str) -> str:
    sfn = stack.aws.session().client("stepfunctions")
    arn = stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"
    return sfn.describe_execution(executionArn=arn)["status"]


def _secret(stack) -> str:
    import os
    return stack.aws.session().client("secretsmanager").get_secret_value(SecretId=os.environ["LINK_SECRET"])["SecretString"]


def test_tweets_become_routed_notified_tickets_that_are_acknowledged_or_escalated(stack, capsys):
    sqs = stack.aws.session().client("sqs")
    drain_notifications(sqs, stack.observer_queue_url)
    health = stack.x.release("Puskesmas Kec. Bumiayu Brebes tutup terus, obat habis #KemalaJateng", "sri_brebes")
    flood = stack.x.release("Banjir masuk rumah di Kec. Kaliwungu Kendal, air naik terus #kemalajateng", "kendal_info")
    retweet = stack.x.release("RT @kendal_info: Banjir masuk rumah #KemalaJateng", "rt_account", is_retweet=True)
    ids = {f"X{health.id}": "DINKES", f"X{flood.id}": "BPBD"}

    stack.poll()
    wait_until(lambda: all(repo.get(i).status is Status.AWAITING_ACK for i in ids))
    assert f"X{retweet.id}" not in {t.ticket_id for t in repo.scan_all()}
    assert {i: repo.get(i).agency for i in ids} == ids

    notes = []
    wait_until(lambda: notes.extend(drain_notifications(sqs, stack.observer_queue_url)) or
               {n.ticket_id for n in notes if n.kind == "new_ticket"} >= set(ids))
    alerts = [n for n in notes if n.kind == "new_ticket" and n.ticket_id in ids]
    assert sorted((n.ticket_id, n.agency) for n in alerts) == sorted(ids.items())
    health_alert = next(n for n in alerts if n.agency == "DINKES")
    link = next(line.split(": ", 1)[1] for line in health_alert.body.splitlines() if line.startswith("Konfirmasi"))

    # The e-mailed link shows a confirmation page; only the POST acknowledges.
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "Konfirmasi penerimaan tiket" in page.text
    assert repo.get(f"X{health.id}").status is Status.AWAITING_ACK
    response = requests.post(link, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ACKNOWLEDGED"

    wait_until(lambda: _status(stack, f"X{health.id}") == "SUCCEEDED")
    assert _history(stack, f"X{health.id}")[-3:] == ["WaitForAcknowledgement", "AcknowledgedOrReassigned", "Acknowledged"]

    # The flood ticket is never acknowledged: after the (shortened) SLA it escalates.
    wait_until(lambda: repo.get(f"X{flood.id}").status is Status.ESCALATED and repo.get(f"X{flood.id}").task_token,
               timeout=SLA_SECONDS + 20)
    assert _history(stack, f"X{flood.id}")[-3:] == ["WaitForAcknowledgement", "Escalate", "WaitForLateAcknowledgement"]
    wait_until(lambda: notes.extend(drain_notifications(sqs, stack.observer_queue_url)) or
               any(n.kind == "escalation" and n.ticket_id == f"X{flood.id}" for n in notes))
    assert sum(1 for n in notes if n.kind == "escalation" and n.ticket_id == f"X{flood.id}") == 1

    # Each citizen got exactly one reply, naming the ticket.
    replies = [r for r in stack.x.replies if r.in_reply_to in (health.id, flood.id)]
    assert sorted(r.in_reply_to for r in replies) == sorted([health.id, flood.id])
    assert all(f"X{r.in_reply_to}" in r.text for r in replies)

    # The agency's public status shows the acknowledgement in WIB.
    status = requests.get(f"{stack.api_url}/tickets/X{health.id}", timeout=10).json()
    assert status["status_label"] == "Ditanggapi instansi" and status["acknowledged"].endswith("WIB")
    # Operators' figures: EMF metrics on the functions' stdout (CloudWatch Logs on AWS).
    emitted = capsys.readouterr().out
    assert '"AgencyNotifications"' in emitted and '"Escalations"' in emitted and '"Acknowledgements"' in emitted


def test_polling_again_does_not_double_tickets_or_workflows(stack):
    post = stack.x.release("Jalan rusak berlubang di Kartasura Sukoharjo #KemalaJateng", "andi")
    stack.poll()
    wait_until(lambda: repo.get(f"X{post.id}").status is Status.AWAITING_ACK, timeout=30)
    # Forget the checkpoint so the next poll sees the same tweet again.
    stack.aws.session().client("dynamodb").delete_item(
        TableName="kemala-dev-checkpoints", Key={"stream": {"S": "x:inbox"}})
    result = stack.poll()
    assert result["fetched"] >= 1 and result["created"] == 0
    assert sum(1 for name in stack.execution_names() if name == f"X{post.id}") == 1
    assert sum(1 for r in stack.x.replies if r.in_reply_to == post.id) == 1


def test_api_rejects_bad_links_with_clear_messages(stack):
    post = stack.x.release("Sampah menumpuk di TPA Jatibarang bau sampai kampung #KemalaJateng", "smg")
    stack.poll()
    ticket_id = f"X{post.id}"
    wait_until(lambda: repo.get(ticket_id).status is Status.AWAITING_ACK, timeout=30)
    base = f"{stack.api_url}/tickets/{ticket_id}/acknowledge"

    missing = requests.post(base, timeout=10)
    assert missing.status_code == 400 and "sig" in missing.json()["Message"]
    forged = requests.post(base, params={"agency": "DLHK", "sig": "0" * 64}, timeout=10)
    assert forged.status_code == 403
    other = links.signature(_secret(stack), ticket_id, "acknowledge", "DINKES")
    wrong_agency = requests.post(base, params={"agency": "DINKES", "sig": other}, timeout=10)
    assert wrong_agency.status_code == 409 and "DLHK" in wrong_agency.json()["Message"]
    unknown = requests.get(f"{stack.api_url}/tickets/X404", timeout=10)
    assert unknown.status_code == 404 and "tidak ditemukan" in unknown.json()["Message"]
    assert repo.get(ticket_id).status is Status.AWAITING_ACK


def test_rate_limited_search_keeps_the_checkpoint_and_catches_up(stack):
    post = stack.x.release("Pupuk subsidi langka di Kec. Tayu Pati #KemalaJateng", "tani")
    stack.x.rate_limit.used = stack.x.rate_limit.limit
    try:
        result = stack.poll()
        assert result["created"] == 0
    finally:
        stack.x.rate_limit.used = 0
    assert stack.poll()["created"] >= 1
    wait_until(lambda: repo.get(f"X{post.id}").status is Status.AWAITING_ACK, timeout=30)
