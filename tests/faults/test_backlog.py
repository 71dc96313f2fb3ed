"""A flood on the embedded stack: a backlog three times what one poll fetches is drained across polls,
newest pages first down to the checkpoint, with tweets arriving mid-drain and a poll crashing
mid-page; nothing lost, nothing doubled."""
from __future__ import annotations

import pytest

from local.faults import FAULTS, Crash
from tests.stack.helpers import repo

PAGES, PAGE = 1, 10  # per poll: one search of ten tweets (X's smallest page)


@pytest.fixture
def small_polls(stack, monkeypatch):
    # Imported once the stack runs: its logger must write where the stack's functions log.
    from chalicelib import bootstrap

    monkeypatch.setenv("POLL_MAX_PAGES", str(PAGES))
    monkeypatch.setenv("POLL_PAGE_SIZE", str(PAGE))
    bootstrap.reset()
    yield
    monkeypatch.undo()
    bootstrap.reset()


def test_a_backlog_of_three_polls_is_drained_with_nothing_lost_or_doubled(stack, observer, small_polls):
    while stack.poll()["stopped"] != "caught up":  # catch up with earlier tests
        pass
    backlog = [stack.x.release(f"Sampah menumpuk di RT {i} Kelurahan Tandang Semarang #KemalaJateng", f"warga{i}")
               for i in range(3 * PAGES * PAGE)]
    retweets = [stack.x.release(f"RT sampah RT {i} #KemalaJateng", "rt", is_retweet=True) for i in range(5)]
    first = stack.poll()
    assert (first["pages"], first["created"], first["stopped"]) == (PAGES, PAGES * PAGE, "page limit reached")
    during = [stack.x.release(f"Banjir di Kaligawe Semarang, laporan {i} #KemalaJateng", "kaligawe") for i in range(5)]
    FAULTS.arm(Crash("poll_x", "sfn.start", "after", f"X{backlog[15].id}"))  # mid-page of the second poll
    polls, crashed = [first], 0
    while len(polls) + crashed < 8 and not (polls[-1]["stopped"] == "caught up" and polls[-1]["fetched"] == 0):
        try:
            polls.append(stack.poll())
        except RuntimeError:
            crashed += 1
    assert crashed == 1 and polls[-1]["fetched"] == 0
    wanted = {f"X{p.id}" for p in backlog + during}
    tickets = [t.ticket_id for t in repo.scan_all() if t.ticket_id in wanted | {f"X{p.id}" for p in retweets}]
    assert sorted(tickets) == sorted(wanted)  # none lost, no retweet, each once
    assert sorted(name for name in stack.execution_names() if name in wanted) == sorted(wanted)
    assert sum(p["created"] for p in polls) <= len(wanted)  # a crashed page is fetched again, never doubled
