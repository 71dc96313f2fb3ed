"""One mapping of domain and port errors to HTTP errors with a message people can act on."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from chalice import BadRequestError, ChaliceViewError, ConflictError, ForbiddenError, NotFoundError

from chalicelib.domain.access import AccessDeniedError
from chalicelib.domain.directory import UnknownAgencyError
from chalicelib.domain.tickets import InvalidTransitionError, NotTheHolderError
from chalicelib.services.alerting import AlertUnconfirmedError
from chalicelib.services.ports import ConcurrentUpdateError, TicketNotFoundError


class GoneError(ChaliceViewError):
    """410: what the request points at existed once and is no longer usable (an expired link)."""

    STATUS_CODE = 410


@contextmanager
def as_http_errors(ticket_id: str, refused: str) -> Iterator[None]:
    """Domain errors as 4xx responses; `refused` completes "Tiket X ..." for a refused transition."""
    try:
        yield
    except TicketNotFoundError:
        raise NotFoundError(f"Tiket {ticket_id} tidak ditemukan")
    except UnknownAgencyError as error:
        raise BadRequestError(f"Kode instansi tidak dikenal: {error.args[0]}")
    except AccessDeniedError as error:
        raise ForbiddenError(str(error))
    except NotTheHolderError as error:
        raise ForbiddenError(f"Tiket {ticket_id} {refused}: {error}")
    except InvalidTransitionError as error:
        raise ConflictError(f"Tiket {ticket_id} {refused}: {error}")
    except (ConcurrentUpdateError, AlertUnconfirmedError):
        raise ConflictError(f"Tiket {ticket_id} sedang diperbarui; silakan coba lagi")
