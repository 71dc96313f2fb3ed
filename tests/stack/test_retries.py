"""Failures and retries in the real workflow: nothing lost, nothing doubled."""
from __future__ import annotations

from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.domain.tickets import Status
from tests.stack.conftest import wait_until

repo = DynamoTicketRepository()


def test_reply_survives_an_x_outage_and_is_posted_once(stack):
    stack.x.failing_posts = 1
    post = stack.x.release("Blangko KTP-el habis di Dukcapil Brebes 2 bulan #KemalaJateng", "brebes_muda")
    stack.poll()
    wait_until(lambda: repo.get(f"X{post.id}").reply_id, timeout=40)
    assert stack.x.failing_posts == 0
    assert sum(1 for r in stack.x.replies if r.in_reply_to == post.id) == 1
    wait_until(lambda: repo.get(f"X{post.id}").status in {Status.AWAITING_ACK, Status.ESCALATED}, timeout=20)
