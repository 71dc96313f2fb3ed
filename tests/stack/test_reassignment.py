"""Agencies hand tickets on through signed links; the workflow notifies the right agency and the
correction is kept for retraining. Late acknowledgements after an escalation close the workflow."""
from __future__ import annotations

import os

import requests

from chalicelib.adapters.dynamodb import DynamoCorrectionStore, DynamoTicketRepository
from chalicelib.domain import links
from chalicelib.domain.tickets import Status
from local.observe import drain_notifications
from tests.stack.conftest import SLA_SECONDS, wait_until

repo = DynamoTicketRepository()


def _link(stack, ticket_id: str, action: str, agency: str) -> str:
    secret = stack.aws.session().client("secretsmanager").get_secret_value(
        SecretId=os.environ["LINK_SECRET"])["SecretString"]
    return links.action_url(stack.api_url, secret, ticket_id, action, agency)


def _execution(stack, ticket_id: str) -> dict:
    arn = stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"
    return stack.aws.session().client("stepfunctions").describe_execution(executionArn=arn)


def test_reassigned_ticket_reaches_the_right_agency_and_becomes_a_training_example(stack):
    sqs = stack.aws.session().client("sqs")
    post = stack.x.release("Puskesmas bilang kartu BPJS saya nonaktif, padahal iuran lancar #KemalaJateng", "pasien")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: repo.get(ticket_id).status is Status.AWAITING_ACK)
    holder = repo.get(ticket_id).agency
    target = "DINKES" if holder != "DINKES" else "BPJSKES"

    page = requests.get(_link(stack, ticket_id, "reassign", holder), timeout=10)
    assert page.status_code == 200 and f'value="{target}"' in page.text
    unknown = requests.post(_link(stack, ticket_id, "reassign", holder), data={"to": "NOPE"}, timeout=10)
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["Message"]
    response = requests.post(_link(stack, ticket_id, "reassign", holder), data={"to": target}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["agency"] == target

    notes = []
    wait_until(lambda: notes.extend(drain_notifications(sqs, stack.observer_queue_url)) or
               any(n.ticket_id == ticket_id and n.agency == target and n.kind == "new_ticket" for n in notes))
    wait_until(lambda: repo.get(ticket_id).status is Status.AWAITING_ACK and repo.get(ticket_id).agency == target)
    corrections = [c for c in DynamoCorrectionStore().all() if c.ticket_id == ticket_id]
    assert [(c.agency, c.by) for c in corrections] == [(target, holder)]

    # The old agency's link no longer works; the new agency acknowledges and the workflow ends.
    stale = requests.post(_link(stack, ticket_id, "acknowledge", holder), timeout=10)
    assert stale.status_code == 409
    done = requests.post(_link(stack, ticket_id, "acknowledge", target), timeout=10)
    assert done.status_code == 200
    wait_until(lambda: _execution(stack, ticket_id)["status"] == "SUCCEEDED")


def test_late_acknowledgement_after_escalation_closes_the_workflow(stack):
    post = stack.x.release("Lampu merah perempatan Bangetayu mati total #KemalaJateng", "andi")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: repo.get(ticket_id).status is Status.ESCALATED and repo.get(ticket_id).task_token,
               timeout=SLA_SECONDS + 30)
    agency = repo.get(ticket_id).agency
    assert requests.post(_link(stack, ticket_id, "acknowledge", agency), timeout=10).status_code == 200
    wait_until(lambda: _execution(stack, ticket_id)["status"] == "SUCCEEDED")
    ticket = repo.get(ticket_id)
    assert ticket.status is Status.ACKNOWLEDGED and ticket.escalated_at is not None
