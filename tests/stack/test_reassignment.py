"""Agencies hand tickets on through signed links; the workflow notifies the right agency with fresh
deadlines, the correction is kept for retraining, and the new agency answers."""
from __future__ import annotations

import requests

from chalicelib.adapters.dynamodb import DynamoCorrectionStore
from chalicelib.domain.tickets import Status
from local.observe import drain_notifications
from tests.stack.conftest import wait_until
from tests.stack.helpers import citizen_posts, execution_status, link, repo, waiting


def test_reassigned_ticket_reaches_the_right_agency_which_answers_and_resolves(stack):
    sqs = stack.aws.session().client("sqs")
    post = stack.x.release("Puskesmas bilang kartu BPJS saya nonaktif, padahal iuran lancar #KemalaJateng", "pasien")
    ticket_id = f"X{post.id}"
    stack.poll()
    wait_until(lambda: waiting(ticket_id))
    holder = repo.get(ticket_id).agency
    target = "DINKES" if holder != "DINKES" else "BPJSKES"

    page = requests.get(link(stack, ticket_id, "reassign", holder), timeout=10)
    assert page.status_code == 200 and f'value="{target}"' in page.text
    unknown = requests.post(link(stack, ticket_id, "reassign", holder), data={"to": "NOPE"}, timeout=10)
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["Message"]
    response = requests.post(link(stack, ticket_id, "reassign", holder),
                             data={"to": target, "reason": "soal kepesertaan"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["agency"] == target

    notes = []
    wait_until(lambda: notes.extend(drain_notifications(sqs, stack.observer_queue_url)) or
               any(n.ticket_id == ticket_id and n.agency == target and n.kind == "new_ticket" for n in notes))
    wait_until(lambda: waiting(ticket_id) and repo.get(ticket_id).agency == target)
    assert [c for c in DynamoCorrectionStore().all() if c.ticket_id == ticket_id] == []  # not taken up yet
    assert repo.get(ticket_id).history[-2].note.endswith(": soal kepesertaan")

    # The old agency's link no longer acts; the new agency answers and resolves in one go.
    assert requests.post(link(stack, ticket_id, "acknowledge", holder), timeout=10).status_code == 403
    done = requests.post(link(stack, ticket_id, "resolve", target), data={"note": "Kartu sudah aktif kembali"},
                         timeout=10)
    assert done.status_code == 200
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED")
    assert repo.get(ticket_id).status is Status.RESOLVED
    corrections = [c for c in DynamoCorrectionStore().all() if c.ticket_id == ticket_id]
    assert [(c.agency, c.by) for c in corrections] == [(target, holder)]
    posts = citizen_posts(stack, post.id)
    assert len(posts) == 2 and "Kartu sudah aktif kembali" in posts[1]  # ticket number, then answer+resolution
