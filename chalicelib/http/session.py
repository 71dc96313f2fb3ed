"""What every workspace page shares: the signed-in user, reading the query and the form, and
domain refusals turned into pages with their status (403, 404, 400, 409) and a message."""
from __future__ import annotations

import functools
from datetime import date
from urllib.parse import parse_qs, quote

from chalice import BadRequestError, Blueprint

from chalicelib.bootstrap import kemala
from chalicelib.domain.access import AccessDeniedError
from chalicelib.domain.directory import UnknownAgencyError
from chalicelib.domain.messages import WIB
from chalicelib.domain.senders import InvalidSenderError
from chalicelib.domain.tickets import InvalidTransitionError
from chalicelib.http.auth import user_of
from chalicelib.http.inputs import form_text
from chalicelib.http.pages import html, redirect
from chalicelib.services.open311 import FIRST_YEAR, LAST_YEAR
from chalicelib.services.ports import ConcurrentUpdateError, InvalidTokenError, TicketNotFoundError

FORMS = ["application/x-www-form-urlencoded", "application/json"]  # a form without a body comes as JSON


class BadInputError(ValueError):
    """A query or form value that cannot be used; the message says which."""


def form(request) -> dict[str, str]:
    return {k: v[0].strip() for k, v in parse_qs(form_text(request)).items()}


def form_list(request, name: str) -> list[str]:
    """Every value of a repeated form field (checkboxes)."""
    return [v.strip() for v in parse_qs(form_text(request)).get(name, [])]


def query(request) -> dict[str, str]:
    return {k: v.strip() for k, v in (request.query_params or {}).items()}


def day(value: str, name: str) -> date | None:
    try:
        parsed = date.fromisoformat(value) if value else None
    except ValueError:
        raise BadInputError(f"Tanggal '{name}' tidak valid: {value} (format TTTT-BB-HH)") from None
    if parsed is not None and not FIRST_YEAR <= parsed.year <= LAST_YEAR:  # far dates overflow in date arithmetic
        raise BadInputError(f"Tanggal '{name}' di luar tahun {FIRST_YEAR}-{LAST_YEAR}: {value}")
    return parsed


def agency_code(value: str) -> str:
    """A code the directory lists (what the agency filters and drill-downs name)."""
    if value not in kemala().directory:
        raise BadInputError(f"Kode instansi tidak dikenal: {value}")
    return value


def today() -> date:
    return kemala().collaborators.clock().astimezone(WIB).date()


def page(blueprint: Blueprint):
    """Routes of `blueprint` that need a signed-in user (passed as the first argument)."""
    def decorate(handler):
        @functools.wraps(handler)
        def wrapped(*args, **kwargs):
            request = blueprint.current_request
            try:
                user = user_of(request, kemala().users)
            except InvalidTokenError:
                return redirect(f"/workspace/login?next={quote(request.context.get('path', '/workspace'))}")
            try:
                return handler(user, *args, **kwargs)
            except AccessDeniedError as error:
                return html("error.html", 403, user=user, message=str(error))
            except TicketNotFoundError as error:
                return html("error.html", 404, user=user, message=f"Tiket {error.args[0]} tidak ditemukan")
            except (BadInputError, UnknownAgencyError, InvalidSenderError) as error:
                return html("error.html", 400, user=user, message=str(error))
            except UnknownAgencyError as error:
                return html("error.html", 400, user=user, message=f"Kode instansi tidak dikenal: {error.args[0]}")
            except BadRequestError as error:  # what chalicelib.http.inputs refuses
                return html("error.html", 400, user=user, message=error.args[0])
            except InvalidTransitionError as error:
                return html("error.html", 409, user=user, message=f"Tindakan ditolak: {error}")
            except ConcurrentUpdateError as error:
                return html("error.html", 409, user=user, message=f"Tiket {error.args[0]} sedang diperbarui; coba lagi")
        return wrapped
    return decorate
