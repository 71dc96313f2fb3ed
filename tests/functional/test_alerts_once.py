"""Agency alerts go out exactly once when a step dies between sending and recording: the retry asks
AWS's receipts which parts went out, waits for receipts still in flight, and sends only what never left."""
from datetime import timedelta

import pytest

from chalicelib.domain.tickets import Status
from chalicelib.services.alerting import AlertUnconfirmedError
from tests.functional.test_pipeline import route_and_notify, with_ticket

KEY = "new_ticket-assigned-1-agency-dinkes"
COPY = "copy-assigned-1-region-3376"


def crashed_notify(part: str):
    app = with_ticket()
    app.notifier.crash_after = part
    with pytest.raises(RuntimeError, match="injected crash"):
        route_and_notify(app)
    return app


def test_a_retry_after_a_crash_past_both_sends_finds_the_receipts_and_sends_only_what_never_left():
    app = crashed_notify("ses")  # the agency's alert went out; the copy to Kota Tegal did not
    with pytest.raises(AlertUnconfirmedError, match="copy"):  # its receipts could still be on their way
        app.kemala.steps.route_and_notify("X1")
    app.now += timedelta(minutes=3)
    app.kemala.steps.route_and_notify("X1")
    app.kemala.steps.route_and_notify("X1")
    assert app.notifier.parts_sent == [("sns", KEY), ("ses", KEY), ("sns", COPY), ("ses", COPY)]
    assert app.tickets.get("X1").status is Status.NOTIFIED


def test_a_retry_after_a_crash_between_the_publish_and_the_mail_sends_the_mail_once_the_wait_is_over():
    app = crashed_notify("sns")
    with pytest.raises(AlertUnconfirmedError):  # the e-mail's receipt may still be on its way
        app.kemala.steps.route_and_notify("X1")
    app.now += timedelta(minutes=3)
    app.kemala.steps.route_and_notify("X1")
    app.kemala.steps.route_and_notify("X1")
    assert app.notifier.parts_sent == [("sns", KEY), ("ses", KEY), ("sns", COPY), ("ses", COPY)]


def test_receipts_in_flight_hold_the_retry_until_they_arrive():
    app = with_ticket()
    app.notifier.receipts_delayed, app.notifier.crash_after = True, "ses"
    with pytest.raises(RuntimeError, match="injected crash"):
        route_and_notify(app)
    with pytest.raises(AlertUnconfirmedError):
        app.kemala.steps.route_and_notify("X1")
    app.notifier.deliver_held_receipts()
    app.now += timedelta(minutes=3)  # the copy, begun with the agency's alert, never left: sent now
    assert app.kemala.steps.route_and_notify("X1")["outcome"] == "WAITING"
    assert app.notifier.parts_sent == [("sns", KEY), ("ses", KEY), ("sns", COPY), ("ses", COPY)]


def test_an_escalation_that_crashed_after_sending_is_not_sent_again():
    app = with_ticket()
    route_and_notify(app)
    app.notifier.crash_after = "ses"
    with pytest.raises(RuntimeError, match="injected crash"):
        app.kemala.steps.escalate("X1", 2, "response")
    app.kemala.steps.escalate("X1", 2, "response")
    assert [k for _, k in app.notifier.parts_sent].count("escalation_response-assigned-1-escalations") == 2  # sns, ses
    assert app.tickets.get("X1").escalation_levels("response") == [2]


def test_a_reassigned_ticket_alerts_the_new_agency_afresh():
    app = with_ticket()
    route_and_notify(app)
    app.kemala.agencies.reassign("X1", "DINKES", "DINSOS", "bantuan sosial, bukan layanan kesehatan")
    app.kemala.steps.route_and_notify("X1")
    assert ("sns", "new_ticket-assigned-2-agency-dinsos") in app.notifier.parts_sent
