"""Kemala's Chalice app: the HTTP API, the X poll schedule and the workflow's Lambda tasks.

Every handler only translates: parse the event, call one use case of the application object built
by the composition root (`chalicelib/bootstrap.py`), return.
"""
from __future__ import annotations

import functools

from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, ConvertToMiddleware, NotFoundError, Rate, Response

from chalicelib import bootstrap
from chalicelib.bootstrap import kemala, logger, metrics
from chalicelib.domain import links
from chalicelib.http import inputs, views
from chalicelib.http.errors import as_http_errors
from chalicelib.http.security import secure_responses
from chalicelib.http.governor import governor
from chalicelib.http.open311 import open311
from chalicelib.http.workspace import workspace
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


# --- Intake -------------------------------------------------------------------------------------

@app.schedule(Rate(1, unit=Rate.MINUTES), name="poll_x")
def poll_x(event):
    """One poll at a time (reserved concurrency 1), within the page budget and the function's timeout."""
    budget = PollBudget(get_settings().poll_max_pages, lambda: event.context.get_remaining_time_in_millis() / 1000)
    complaints = kemala().intake.poll("x", budget)
    replies = kemala().intake.poll_agency_replies("x", budget)
    metrics.add_metric("TweetsFetched", MetricUnit.Count, complaints.fetched)
    metrics.add_metric("TicketsCreated", MetricUnit.Count, len(complaints.created))
    metrics.add_metric("AgencyXReplies", MetricUnit.Count, len(replies.answers))
    lag = complaints.lag_seconds(bootstrap.now())
    if lag is not None:
        metrics.add_metric("IntakeLagSeconds", MetricUnit.Seconds, lag)
    for stream, report in (("complaints", complaints), ("agency replies", replies)):
        if report.stopped != CAUGHT_UP:
            logger.warning(f"X poll of {stream} stopped: {report.stopped}; the next poll resumes from the cursor",
                           extra={"pages": report.pages, "fetched": report.fetched})
    logger.info("poll finished", extra={"fetched": complaints.fetched, "pages": complaints.pages,
                                        "new_tickets": complaints.created, "skipped_own_posts": complaints.skipped,
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


# --- Workflow tasks (called by the state machine in infra/workflow.asl.json) ---------------------

def _step(handler):
    """A failed attempt of a workflow task leaves an error log line naming the ticket and a metric; the
    state machine retries it, and an execution that fails after its retries alarms and is redriven."""
    @functools.wraps(handler)
    def run(event, context):
        try:
            return handler(event, context)
        except Exception:
            logger.exception("workflow step failed", extra={"ticket_id": event.get("ticket_id")})
            metrics.add_metadata("ticket_id", str(event.get("ticket_id")))
            metrics.add_metric("WorkflowStepErrors", MetricUnit.Count, 1)
            raise
    return run


@app.lambda_function(name="classify")
@_step
def classify(event, context):
    return kemala().steps.classify(event["ticket_id"])


@app.lambda_function(name="assign")
@_step
def assign(event, context):
    return kemala().steps.assign(event["ticket_id"])


@app.lambda_function(name="notify_agency")
@_step
def notify_agency(event, context):
    result = kemala().steps.notify_agency(event["ticket_id"])
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
