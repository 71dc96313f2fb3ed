"""Kemala's Chalice app: the HTTP API, the X poll schedule and the workflow's Lambda tasks.

Every handler only translates: parse the event, call one use case of the application object built
by the composition root (`chalicelib/bootstrap.py`), return.
"""
from __future__ import annotations

import functools

from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, ConvertToMiddleware, NotFoundError, Rate, Response

from chalicelib import bootstrap
from chalicelib.adapters import notifications
from chalicelib.adapters.channels import sms
from chalicelib.bootstrap import kemala, logger, metrics
from chalicelib.domain import links
from chalicelib.http import inputs, views
from chalicelib.http.app_api import app_api
from chalicelib.http.errors import as_http_errors
from chalicelib.http.lapor import lapor
from chalicelib.http.security import secure_responses
from chalicelib.http.governor import governor
from chalicelib.http.open311 import open311
from chalicelib.http.workspace import workspace
from chalicelib.services.alerting import AlertUnconfirmedError
from chalicelib.services.intake import CAUGHT_UP, PollBudget
from chalicelib.settings import get_settings

app = Chalice(app_name="kemala")
app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context))
app.register_middleware(ConvertToMiddleware(metrics.log_metrics))
app.register_middleware(secure_responses, "http")
_HTML = {"Content-Type": "text/html; charset=utf-8"}
app.register_blueprint(workspace)  # the web workspace: sign-in, queues, tickets, users
app.register_blueprint(governor)  # the governor's office: overview and the monthly report
app.register_blueprint(open311)  # Open311 GeoReport v2
app.api.binary_types.append("multipart/form-data")  # the web form's photo arrives as raw bytes
app.register_blueprint(lapor)  # the public web form: /lapor
app.register_blueprint(app_api)  # the app and partner API: /app/v1


# --- Intake -------------------------------------------------------------------------------------

@app.schedule(Rate(1, unit=Rate.MINUTES), name="poll_x")
def poll_x(event):
    """One poll at a time (reserved concurrency 1), within the page budget and the function's timeout."""
    budget = PollBudget(get_settings().poll_max_pages, lambda: event.context.get_remaining_time_in_millis() / 1000)
    complaints = kemala().intake.poll("x", budget)
    follow_ups = kemala().intake.poll_follow_ups("x", budget)
    replies = kemala().intake.poll_agency_replies("x", budget)
    metrics.add_metric("TweetsFetched", MetricUnit.Count, complaints.fetched)
    metrics.add_metric("TicketsCreated", MetricUnit.Count, len(complaints.created))
    metrics.add_metric("AgencyXReplies", MetricUnit.Count, len(replies.answers))
    lag = complaints.lag_seconds(bootstrap.now())
    if lag is not None:
        metrics.add_metric("IntakeLagSeconds", MetricUnit.Seconds, lag)
    for stream, report in (("complaints", complaints), ("follow-ups", follow_ups), ("agency replies", replies)):
        if report.stopped != CAUGHT_UP:
            logger.warning(f"X poll of {stream} stopped: {report.stopped}; the next poll resumes from the cursor",
                           extra={"pages": report.pages, "fetched": report.fetched})
    logger.info("poll finished", extra={"fetched": complaints.fetched, "pages": complaints.pages,
                                        "new_tickets": complaints.created, "skipped_own_posts": complaints.skipped,
                                        "follow_ups": complaints.follow_ups + follow_ups.follow_ups,
                                        "held": complaints.held + follow_ups.held,
                                        "agency_answers": replies.answers, "lag_seconds": lag})
    return {"fetched": complaints.fetched, "created": len(complaints.created), "skipped": len(complaints.skipped),
            "agency_answers": len(replies.answers), "pages": complaints.pages, "stopped": complaints.stopped,
            "checkpoint": complaints.checkpoint}


@app.schedule(Rate(1, unit=Rate.HOURS), name="check_recipients")
def check_recipients(event):
    unreachable = kemala().unreachable_recipients()
    metrics.add_metric("UnreachableRecipients", MetricUnit.Count, len(unreachable))
    for problem in unreachable:
        logger.error("recipient unreachable", extra={"problem": problem})
    return {"unreachable": unreachable}


@app.lambda_function(name="record_receipts")
def record_receipts(event, context):
    """Subscribed to every alert topic and to SES's Send events: each confirms one part of one alert
    (chalicelib/services/alerting.py), so a retried step never sends it again."""
    count = kemala().record_receipts(notifications.receipts_in(event))
    metrics.add_metric("AlertReceipts", MetricUnit.Count, count)
    return {"receipts": count}


@app.schedule(Rate(1, unit=Rate.DAYS), name="check_deleted_posts")
def check_deleted_posts(event):
    """X's developer terms: a post its author deleted leaves Kemala within a day (no deletion webhook)."""
    redacted = kemala().deletions.sweep("x")
    metrics.add_metric("PostsRedacted", MetricUnit.Count, len(redacted))
    logger.info("deleted posts redacted", extra={"tickets": redacted})
    return {"redacted": redacted}


@app.lambda_function(name="receive_sms")
def receive_sms(event, context):
    """End User Messaging two-way SMS, delivered by the inbound SNS topic: complaints and `STATUS` queries."""
    done = []
    for record in event.get("Records", []):
        try:
            message = sms.parse_inbound(record["Sns"]["Message"])
        except sms.InboundSmsError as error:
            logger.warning("inbound SNS message skipped", extra={"reason": str(error)})
            continue
        logger.info("inbound SMS", extra={"from": message.author})  # masked by the formatter
        done.append(kemala().intake.take_pushed(message))
    metrics.add_metric("TicketsCreated", MetricUnit.Count, done.count("created"))
    return {"done": done}


@app.lambda_function(name="act_on_incident")
def act_on_incident(event, context):
    """An agency's action on one report, spread over the other reports of its incident (asynchronous)."""
    done = kemala().agencies.spread_over_incident(event["ticket_id"], event["action"], event["agency"],
                                                  event.get("text", ""))
    return {"done": len(done)}


# --- Workflow tasks (called by the state machine in infra/workflow.asl.json) ---------------------

def _step(handler):
    """A failed attempt of a workflow task leaves an error log line naming the ticket and a metric; the
    state machine retries it, and an execution that fails after its retries alarms and is redriven."""
    @functools.wraps(handler)
    def run(event, context):
        try:
            return handler(event, context)
        except AlertUnconfirmedError:  # after a crash: the alert's receipts may be in flight; retried
            logger.warning("alert not confirmed yet; the workflow retries", extra={"ticket_id": event.get("ticket_id")})
            raise
        except Exception:
            logger.exception("workflow step failed", extra={"ticket_id": event.get("ticket_id")})
            metrics.add_metadata("ticket_id", str(event.get("ticket_id")))
            metrics.add_metric("WorkflowStepErrors", MetricUnit.Count, 1)
            raise
    return run


@app.lambda_function(name="notify_agency")
@_step
def notify_agency(event, context):
    """The alert path in one function (one cold start, one state transition): classify, assign, notify."""
    result = kemala().steps.route_and_notify(event["ticket_id"])
    metrics.add_metric("AgencyNotifications", MetricUnit.Count, 1)
    return result


@app.lambda_function(name="tell_citizen")
@_step
def tell_citizen(event, context):
    return kemala().steps.tell_citizen(event["ticket_id"], event.get("key"))


@app.lambda_function(name="record_undelivered")
@_step
def record_undelivered(event, context):
    result = kemala().steps.record_undelivered(event["ticket_id"], event.get("key"), str(event.get("error") or ""))
    logger.error("citizen message undelivered after retries",
                 extra={"ticket_id": event["ticket_id"], "key": event.get("key"), "error": event.get("error")})
    metrics.add_metric("CitizenMessagesUndelivered", MetricUnit.Count, 1)
    return result


@app.lambda_function(name="await_agency")
@_step
def await_agency(event, context):
    return kemala().steps.await_agency(event["ticket_id"], event["task_token"], event["phase"])


@app.lambda_function(name="escalate")
@_step
def escalate(event, context):
    result = kemala().steps.escalate(event["ticket_id"], int(event["level"]), event["clock"])
    if result["outcome"] == "ESCALATED":
        metrics.add_metric(f"EscalationsLevel{int(event['level'])}", MetricUnit.Count, 1)
    return result


# --- HTTP API ------------------------------------------------------------------------------------

@app.route("/tickets/{ticket_id}", methods=["GET"])
def get_ticket(ticket_id):
    with as_http_errors(ticket_id, "tidak dapat dibaca"):
        return views.public_status(kemala().ticket(inputs.ticket_id(ticket_id)), kemala().directory)


@app.route("/tickets/{ticket_id}/{action}", methods=["GET"])
def action_page(ticket_id, action):
    link, sig = _signed_link(ticket_id, action)
    return Response(views.action_form(link, sig, kemala().directory), headers=_HTML)


@app.route("/tickets/{ticket_id}/{action}", methods=["POST"],
           content_types=["application/json", "application/x-www-form-urlencoded"])
def act_on_ticket(ticket_id, action):
    agency = _signed_link(ticket_id, action)[0].agency
    fields = inputs.action_fields(action, inputs.body_fields(app.current_request))
    agencies = kemala().agencies
    with as_http_errors(ticket_id, "tidak dapat diproses"):
        if action == "acknowledge":
            ticket = agencies.acknowledge(ticket_id, agency)
        elif action == "answer":
            ticket = agencies.answer(ticket_id, agency, fields["text"])
        elif action == "resolve":
            ticket = agencies.resolve(ticket_id, agency, fields["note"])
        elif action == "unlink":
            ticket = agencies.unlink(ticket_id, agency)
        elif action == "reassign":
            ticket = agencies.reassign(ticket_id, agency, fields["to"], fields["reason"])
        else:
            ticket = agencies.close(ticket_id, agency, fields["reason"])
    metrics.add_metric(f"Agency{action.capitalize()}", MetricUnit.Count, 1)
    return views.public_status(ticket, kemala().directory)


def _signed_link(ticket_id: str, action: str) -> tuple[links.SignedLink, str]:
    """The signed action link of this request, or a 4xx saying what is wrong with it."""
    if action not in views.ACTIONS:
        raise NotFoundError(f"Tindakan tidak dikenal: {action}")
    return inputs.signed_link(app.current_request, ticket_id, action, bootstrap.link_secret(), bootstrap.now())
