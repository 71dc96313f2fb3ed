"""Kemala's Chalice app: the HTTP API, the X poll schedule and the workflow's Lambda tasks.

Every handler only translates: parse the event, call one use case of the application object built
by the composition root (`chalicelib/bootstrap.py`), return.
"""
from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from chalice import BadRequestError, Chalice, ConvertToMiddleware, ForbiddenError, Rate, Response

from chalicelib import bootstrap
from chalicelib.bootstrap import kemala, logger, metrics, tracer
from chalicelib.domain import links
from chalicelib.http import views
from chalicelib.http.errors import as_http_errors

app = Chalice(app_name="kemala")
app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context))
app.register_middleware(ConvertToMiddleware(tracer.capture_lambda_handler))
app.register_middleware(ConvertToMiddleware(metrics.log_metrics))
_HTML = {"Content-Type": "text/html; charset=utf-8"}


# --- Intake -------------------------------------------------------------------------------------

@app.schedule(Rate(1, unit=Rate.MINUTES), name="poll_x")
def poll_x(event):
    report = kemala().intake.poll("x")
    metrics.add_metric("TicketsCreated", MetricUnit.Count, len(report.created))
    if report.rate_limited:
        logger.warning("X rate limit reached; checkpoint kept", extra={"checkpoint": report.checkpoint})
    logger.info("poll finished", extra={"fetched": report.fetched, "new_tickets": report.created})
    return {"fetched": report.fetched, "created": len(report.created), "checkpoint": report.checkpoint}


# --- Workflow tasks (called by the state machine in infra/workflow.asl.json) ---------------------

@app.lambda_function(name="classify")
def classify(event, context):
    return kemala().steps.classify(event["ticket_id"])


@app.lambda_function(name="assign")
def assign(event, context):
    return kemala().steps.assign(event["ticket_id"])


@app.lambda_function(name="notify_agency")
def notify_agency(event, context):
    result = kemala().steps.notify_agency(event["ticket_id"])
    metrics.add_metric("AgencyNotifications", MetricUnit.Count, int(result["notified"]))
    return result


@app.lambda_function(name="reply_to_citizen")
def reply_to_citizen(event, context):
    bootstrap.idempotency_config.register_lambda_context(context)
    return _reply_once(ticket_id=event["ticket_id"])


@idempotent_function(data_keyword_argument="ticket_id", persistence_store=bootstrap.idempotency_store(),
                     config=bootstrap.idempotency_config)
def _reply_once(ticket_id: str) -> dict:
    return kemala().steps.reply_to_citizen(ticket_id)


@app.lambda_function(name="wait_for_acknowledgement")
def wait_for_acknowledgement(event, context):
    return kemala().steps.await_acknowledgement(event["ticket_id"], event["task_token"])


@app.lambda_function(name="escalate")
def escalate(event, context):
    result = kemala().steps.escalate(event["ticket_id"])
    metrics.add_metric("Escalations", MetricUnit.Count, int(result["escalated"]))
    return result


# --- HTTP API ------------------------------------------------------------------------------------

@app.route("/tickets/{ticket_id}", methods=["GET"])
def get_ticket(ticket_id):
    with as_http_errors(ticket_id, "tidak dapat dibaca"):
        return views.public_status(kemala().ticket(ticket_id), kemala().directory)


@app.route("/tickets/{ticket_id}/acknowledge", methods=["GET"])
def acknowledge_page(ticket_id):
    agency, sig = _signed_link(ticket_id, "acknowledge")
    return Response(views.acknowledge_form(ticket_id, agency, sig), headers=_HTML)


@app.route("/tickets/{ticket_id}/acknowledge", methods=["POST"],
           content_types=["application/json", "application/x-www-form-urlencoded"])
def acknowledge_ticket(ticket_id):
    agency, _ = _signed_link(ticket_id, "acknowledge")
    with as_http_errors(ticket_id, "belum dapat dikonfirmasi"):
        ticket = kemala().agencies.acknowledge(ticket_id, agency)
    metrics.add_metric("Acknowledgements", MetricUnit.Count, 1)
    return views.public_status(ticket, kemala().directory)


@app.route("/tickets/{ticket_id}/reassign", methods=["GET"])
def reassign_page(ticket_id):
    agency, sig = _signed_link(ticket_id, "reassign")
    return Response(views.reassign_form(ticket_id, agency, sig, kemala().directory), headers=_HTML)


@app.route("/tickets/{ticket_id}/reassign", methods=["POST"],
           content_types=["application/json", "application/x-www-form-urlencoded"])
def reassign_ticket(ticket_id):
    agency, _ = _signed_link(ticket_id, "reassign")
    to = views.form_field(app.current_request, "to")
    if not to:
        raise BadRequestError("Instansi tujuan ('to') wajib diisi")
    with as_http_errors(ticket_id, "tidak dapat dialihkan"):
        ticket = kemala().agencies.reassign(ticket_id, agency, to)
    metrics.add_metric("Reassignments", MetricUnit.Count, 1)
    return views.public_status(ticket, kemala().directory)


def _signed_link(ticket_id: str, action: str) -> tuple[str, str]:
    """The agency and signature of a signed action link, or a 4xx saying what is wrong with it."""
    params = app.current_request.query_params or {}
    agency, sig = params.get("agency"), params.get("sig")
    if not agency or not sig:
        raise BadRequestError("Tautan tidak lengkap: parameter 'agency' dan 'sig' wajib ada")
    if not links.is_valid(bootstrap.link_secret(), ticket_id, action, agency, sig):
        raise ForbiddenError("Tautan tidak sah untuk tiket dan instansi ini")
    return agency, sig
