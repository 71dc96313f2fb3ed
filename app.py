"""Kemala's Chalice app: the HTTP API, the X poll schedule and the workflow's Lambda tasks.

Every handler only translates: parse the event, call a use case in chalicelib.services, return.
"""
from __future__ import annotations

from contextlib import contextmanager

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from chalice import BadRequestError, Chalice, ConflictError, ConvertToMiddleware, ForbiddenError, NotFoundError, Rate, Response

from chalicelib import bootstrap as deps
from chalicelib.adapters.dynamodb import TicketNotFoundError
from chalicelib.domain import links, routing
from chalicelib.domain.directory import UnknownAgencyError, load_directory
from chalicelib.domain.tickets import InvalidTransitionError
from chalicelib.services import intake, pipeline, views
from chalicelib.settings import get_settings

app = Chalice(app_name="kemala")
app.register_middleware(ConvertToMiddleware(deps.logger.inject_lambda_context))
app.register_middleware(ConvertToMiddleware(deps.tracer.capture_lambda_handler))
app.register_middleware(ConvertToMiddleware(deps.metrics.log_metrics))


# --- Intake -------------------------------------------------------------------------------------

@app.schedule(Rate(1, unit=Rate.MINUTES), name="poll_x")
def poll_x(event):
    settings = get_settings()
    report = intake.poll_x(deps.x_api(), deps.checkpoints(), deps.repo(), deps.workflow(),
                           settings.x_query, settings.poll_max_pages, deps.now())
    deps.metrics.add_metric("TicketsCreated", MetricUnit.Count, len(report.created))
    if report.rate_limited:
        deps.logger.warning("X rate limit reached; checkpoint kept", extra={"checkpoint": report.checkpoint})
    deps.logger.info("poll finished", extra={"fetched": report.fetched, "new_tickets": report.created})
    return {"fetched": report.fetched, "created": len(report.created), "checkpoint": report.checkpoint}


# --- Workflow tasks (called by the state machine in infra/workflow.asl.json) ---------------------

@app.lambda_function(name="classify")
def classify(event, context):
    return pipeline.classify_ticket(event["ticket_id"], deps.repo(), routing.classify, deps.now())


@app.lambda_function(name="assign")
def assign(event, context):
    return pipeline.assign_ticket(event["ticket_id"], deps.repo(), load_directory(),
                                  get_settings().response_sla_override_seconds, deps.now())


@app.lambda_function(name="notify_agency")
def notify_agency(event, context):
    result = pipeline.notify_agency(event["ticket_id"], deps.repo(), deps.notifier(), load_directory(),
                                    deps.action_url, deps.now())
    deps.metrics.add_metric("AgencyNotifications", MetricUnit.Count, int(result["notified"]))
    return result


@app.lambda_function(name="reply_to_citizen")
def reply_to_citizen(event, context):
    deps.idempotency_config.register_lambda_context(context)
    return _reply_once(ticket_id=event["ticket_id"])


@idempotent_function(data_keyword_argument="ticket_id", persistence_store=deps.idempotency_store(),
                     config=deps.idempotency_config)
def _reply_once(ticket_id: str) -> dict:
    return pipeline.reply_to_citizen(ticket_id, deps.repo(), deps.x_api(), load_directory())


@app.lambda_function(name="wait_for_acknowledgement")
def wait_for_acknowledgement(event, context):
    return pipeline.await_acknowledgement(event["ticket_id"], event["task_token"], deps.repo(), deps.workflow(),
                                          load_directory(), get_settings().response_sla_override_seconds, deps.now())


@app.lambda_function(name="escalate")
def escalate(event, context):
    result = pipeline.escalate(event["ticket_id"], deps.repo(), deps.notifier(), load_directory(), deps.now())
    deps.metrics.add_metric("Escalations", MetricUnit.Count, int(result["escalated"]))
    return result


# --- HTTP API ------------------------------------------------------------------------------------

@app.route("/tickets/{ticket_id}", methods=["GET"])
def get_ticket(ticket_id):
    with _as_http_errors(ticket_id, "tidak dapat dibaca"):
        return views.public_status(deps.repo().get(ticket_id), load_directory())


@app.route("/tickets/{ticket_id}/acknowledge", methods=["GET"])
def acknowledge_page(ticket_id):
    agency, sig = _signed_link(ticket_id, "acknowledge")
    return Response(views.acknowledge_form(ticket_id, agency, sig), headers={"Content-Type": "text/html; charset=utf-8"})


@app.route("/tickets/{ticket_id}/acknowledge", methods=["POST"],
           content_types=["application/json", "application/x-www-form-urlencoded"])
def acknowledge_ticket(ticket_id):
    agency, _ = _signed_link(ticket_id, "acknowledge")
    with _as_http_errors(ticket_id, "belum dapat dikonfirmasi"):
        ticket = pipeline.acknowledge(ticket_id, agency, deps.repo(), deps.workflow(), deps.now())
    deps.metrics.add_metric("Acknowledgements", MetricUnit.Count, 1)
    return views.public_status(ticket, load_directory())


@app.route("/tickets/{ticket_id}/reassign", methods=["GET"])
def reassign_page(ticket_id):
    agency, sig = _signed_link(ticket_id, "reassign")
    return Response(views.reassign_form(ticket_id, agency, sig, load_directory()),
                    headers={"Content-Type": "text/html; charset=utf-8"})


@app.route("/tickets/{ticket_id}/reassign", methods=["POST"],
           content_types=["application/json", "application/x-www-form-urlencoded"])
def reassign_ticket(ticket_id):
    agency, _ = _signed_link(ticket_id, "reassign")
    to = views.form_field(app.current_request, "to")
    if not to:
        raise BadRequestError("Instansi tujuan ('to') wajib diisi")
    with _as_http_errors(ticket_id, "tidak dapat dialihkan"):
        ticket = pipeline.reassign(ticket_id, agency, to, deps.repo(), deps.workflow(), deps.corrections(),
                                   load_directory(), get_settings().response_sla_override_seconds, deps.now())
    deps.metrics.add_metric("Reassignments", MetricUnit.Count, 1)
    return views.public_status(ticket, load_directory())


@contextmanager
def _as_http_errors(ticket_id: str, refused: str):
    """Domain errors as 4xx responses with a message people can act on."""
    try:
        yield
    except TicketNotFoundError:
        raise NotFoundError(f"Tiket {ticket_id} tidak ditemukan")
    except UnknownAgencyError as error:
        raise BadRequestError(f"Kode instansi tidak dikenal: {error.args[0]}")
    except InvalidTransitionError as error:
        raise ConflictError(f"Tiket {ticket_id} {refused}: {error}")


def _signed_link(ticket_id: str, action: str) -> tuple[str, str]:
    """The agency and signature of a signed action link, or a 4xx saying what is wrong with it."""
    params = app.current_request.query_params or {}
    agency, sig = params.get("agency"), params.get("sig")
    if not agency or not sig:
        raise BadRequestError("Tautan tidak lengkap: parameter 'agency' dan 'sig' wajib ada")
    if not links.is_valid(deps.link_secret(), ticket_id, action, agency, sig):
        raise ForbiddenError("Tautan tidak sah untuk tiket dan instansi ini")
    return agency, sig
