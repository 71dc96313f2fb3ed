"""Failures and retries in the real workflow: nothing lost, nothing doubled."""
from __future__ import annotations

import pytest

from tests.stack.conftest import wait_until
from tests.stack.helpers import citizen_posts, repo, waiting


@pytest.mark.parametrize("fault, text", [
    ("failing_posts", "Blangko KTP-el habis di Dukcapil Brebes 2 bulan #KemalaJateng"),  # 503 twice, nothing made
    ("post_timeouts", "Pungli di kantor Samsat Klaten, diminta uang tambahan #KemalaJateng"),  # made, then 503
])
def test_a_reply_that_fails_then_succeeds_is_posted_exactly_once(stack, fault, text):
    setattr(stack.x, fault, 2 if fault == "failing_posts" else 1)
    post = stack.x.release(text, "warga")
    stack.poll()
    delivered = lambda: (d := repo.get(f"X{post.id}").deliveries.get("ticket")) is not None and d.sent  # noqa: E731
    wait_until(delivered, timeout=60)
    assert getattr(stack.x, fault) == 0
    assert len(citizen_posts(stack, post.id)) == 1
    wait_until(lambda: waiting(f"X{post.id}"), timeout=20)
