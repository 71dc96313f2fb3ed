"""Failures and retries in the real workflow: nothing lost, nothing doubled."""
from __future__ import annotations

from tests.stack.conftest import wait_until
from tests.stack.helpers import citizen_posts, repo, waiting


def test_a_reply_that_fails_twice_then_succeeds_is_posted_once(stack):
    stack.x.failing_posts = 2
    post = stack.x.release("Blangko KTP-el habis di Dukcapil Brebes 2 bulan #KemalaJateng", "brebes_muda")
    stack.poll()
    wait_until(lambda: repo.get(f"X{post.id}").deliveries.get("ticket") and
               repo.get(f"X{post.id}").deliveries["ticket"].sent, timeout=60)
    assert stack.x.failing_posts == 0
    assert len(citizen_posts(stack, post.id)) == 1
    wait_until(lambda: waiting(f"X{post.id}"), timeout=20)


def test_a_post_made_but_answered_with_an_error_is_found_not_repeated(stack):
    stack.x.post_timeouts = 1
    post = stack.x.release("Pungli di kantor Samsat Klaten, diminta uang tambahan #KemalaJateng", "klaten_jujur")
    stack.poll()
    wait_until(lambda: repo.get(f"X{post.id}").deliveries.get("ticket") and
               repo.get(f"X{post.id}").deliveries["ticket"].sent, timeout=60)
    assert stack.x.post_timeouts == 0
    assert len(citizen_posts(stack, post.id)) == 1
