"""A scenario of mixed agency behaviours on the real workflow: each ticket ends in the state its
script implies, escalation levels come in order, and every citizen message is posted exactly once."""
from __future__ import annotations

from local.inputs import load_tweets
from local.observe import drain_notifications
from local.scenario import ROOT_SCENARIOS, check_steps, run


def test_mixed_behaviours_end_as_scripted_with_one_post_per_message(stack):
    tweets, rejected = load_tweets(ROOT_SCENARIOS / "mixed.jsonl")
    assert rejected == [] and all(check_steps(t) is None for t in tweets)
    sqs = stack.aws.session().client("sqs")
    drain_notifications(sqs, stack.observer_queue_url)
    result = run(stack, tweets, timeout=240)["tickets"]
    pages = [n for n in drain_notifications(sqs, stack.observer_queue_url) if n.kind == "emergency_page"]
    assert [(n.ticket_id, n.topic) for n in pages] == [(result["emergency"]["ticket"], "agency-bpbd-duty")]
    assert not {k: v["errors"] for k, v in result.items() if "errors" in v}
    assert {k: v["status"] for k, v in result.items()} == {
        "answered": "RESOLVED", "x_reply": "RESOLVED", "ignored": "NOTIFIED", "late": "RESOLVED",
        "reassigned": "RESOLVED", "emergency": "RESOLVED"}
    assert result["ignored"]["escalations"] == [1, 2]
    assert result["late"]["escalations"][:2] == [1, 2]
    # the agencies that act at once get no reminder, unless the machine was slower than the deadline: then the
    # reminder must have followed a response that really came late (never one racing an acknowledgement in time)
    for prompt in ("answered", "emergency"):
        late = result[prompt]["responded_late"]
        assert result[prompt]["escalations"][:1 if late else None] == ([1] if late else []), result[prompt]
    assert result["ignored"]["responded_late"] and result["late"]["responded_late"]
    assert result["reassigned"]["agency"] == "DINKES"
    # ticket number, answer, resolution: one post each; the agency's own X reply is not repeated by Kemala;
    # a resolution without an earlier answer is one post carrying both.
    assert [len(v["citizen_posts"]) for v in result.values()] == [3, 2, 1, 3, 3, 2]
    for ticket in result.values():
        assert len(set(ticket["citizen_posts"])) == len(ticket["citizen_posts"])


def test_bad_scenario_steps_are_refused_with_a_reason():
    assert "action" in check_steps({"agency_does": [{"action": "dance"}]})
    assert "'to'" in check_steps({"agency_does": [{"action": "reassign", "to": "NOPE"}]})
    assert "text" in check_steps({"agency_does": [{"action": "answer", "at_s": 1}]})
    assert "at_s" in check_steps({"agency_does": [{"action": "acknowledge", "at_s": -1}]})


def test_one_complaint_on_each_channel_reaches_the_same_agency_and_is_heard_back_in_its_channel(stack):
    lines, rejected = load_tweets(ROOT_SCENARIOS / "channels.jsonl")
    assert rejected == [] and all(check_steps(line) is None for line in lines)
    result = run(stack, lines, timeout=180)["tickets"]
    assert {k: (v["channel"], v["agency"], v["status"]) for k, v in result.items()} == {
        channel: (channel, "DINKES", "RESOLVED") for channel in ("x", "sms", "web", "app")}
    assert all(v["incident"] == f"INC{v['ticket']}" for v in result.values())  # four places: four incidents
    assert [v["ticket"][:3] for v in result.values()] == ["X18", "SMS", "WEB", "APP"]
    for ticket in result.values():
        heard = " ".join(ticket["citizen_posts"])
        assert ticket["ticket"] in heard and "Dokter jaga" in heard and "buka normal" in heard, ticket
    # X looks a post up before sending it again; SMS and SES cannot, so a send whose outcome was lost (a task the
    # embedded stack retried after a dropped connection) may reach the citizen twice there: known, see README.
    assert len(set(result["x"]["citizen_posts"])) == len(result["x"]["citizen_posts"])


def test_channel_lines_are_checked():
    assert "channel" in check_steps({"channel": "fax"})
    assert "X" in check_steps({"channel": "sms", "agency_does": [{"action": "x_reply", "text": "hai"}]})
