"""Open311 GeoReport v2: other systems (LAPOR!, a city's app, FixMyStreet clients) read Kemala's
requests and file new ones.

Services are the directory's agencies (what routing can send a complaint to). A request filed
here is a complaint on the `api` channel and goes through the same intake and workflow as a
post on X. Nothing about the reporter is ever returned.
"""
from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from chalicelib.domain.messages import WIB
from chalicelib.domain.tickets import FINISHED, Ticket, ticket_id_for
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.intake import Intake
from chalicelib.services.ports import IncomingMessage, TicketQueries, TicketNotFoundError
from chalicelib.services.reports import months_between

CHANNEL = "api"
DEFAULT_DAYS = 90  # the spec's default window before end_date
MAX_RESULTS = 1000
MAX_DAYS = 366  # the widest window one request reads (one index query per month)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Open311Error(ValueError):
    """A request the spec says to refuse: `code` is the HTTP status, the message says why."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RequestFilter:
    service_code: str = ""
    status: str = ""  # open | closed
    start_date: datetime | None = None
    end_date: datetime | None = None
    ids: tuple[str, ...] = ()


def _iso(moment: datetime) -> str:
    return moment.astimezone(WIB).isoformat(timespec="seconds")


def parse_datetime(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} bukan tanggal W3C/ISO 8601: {value}") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # far dates overflow in time zone arithmetic
        raise Open311Error(400, f"{name} di luar tahun {FIRST_YEAR}-{LAST_YEAR}: {value}")
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


class Open311:
    def __init__(self, c: Collaborators, queries: TicketQueries, api_key: Callable[[], str]) -> None:
        self._c = c
        self._queries = queries
        self._api_key = api_key

    def services(self) -> list[dict]:
        return [{"service_code": a.code, "service_name": a.name, "description": a.name, "metadata": False,
                 "type": "realtime", "keywords": "", "group": "Pemerintah Provinsi Jawa Tengah"}
                for a in self._c.directory if a.code != "TRIAGE"]

    def record(self, ticket: Ticket) -> dict:
        """A ticket as a GeoReport service request: no author, no channel ids."""
        agency = self._c.directory[ticket.agency].name if ticket.agency and ticket.agency in self._c.directory else ""
        updated = ticket.history[-1].at if ticket.history else ticket.received_at
        return {
            "service_request_id": ticket.ticket_id, "status": "closed" if ticket.status in FINISHED else "open",
            "status_notes": ticket.resolution_note or ticket.latest_answer or "",
            "service_name": agency, "service_code": ticket.agency or "", "description": ticket.text,
            "agency_responsible": agency, "service_notice": "",
            "requested_datetime": _iso(ticket.received_at), "updated_datetime": _iso(updated),
            "expected_datetime": "", "address": "", "address_id": "", "zipcode": "", "media_url": "",
        }

    def request(self, ticket_id: str) -> dict:
        try:
            return self.record(self._c.tickets.get(ticket_id))
        except TicketNotFoundError:
            raise Open311Error(404, f"Permintaan {ticket_id} tidak ditemukan") from None

    def requests(self, wanted: RequestFilter) -> list[dict]:
        if wanted.ids:
            return [self.request(i) for i in wanted.ids[:MAX_RESULTS]]
        end = wanted.end_date or self._c.clock()
        start = wanted.start_date or end - timedelta(days=DEFAULT_DAYS)
        if start > end or end - start > timedelta(days=MAX_DAYS):
            raise Open311Error(400, f"start_date harus sebelum end_date, paling jauh {MAX_DAYS} hari")
        found = []
        for month in reversed(months_between(start.astimezone(WIB).date(), end.astimezone(WIB).date())):
            for ticket in self._queries.received_in(month):
                status = "closed" if ticket.status in FINISHED else "open"
                if (start <= ticket.received_at <= end and wanted.service_code in ("", ticket.agency)
                        and wanted.status in ("", status)):
                    found.append(ticket)
        found.sort(key=lambda t: t.received_at, reverse=True)
        return [self.record(t) for t in found[:MAX_RESULTS]]

    def submit(self, api_key: str, service_code: str, description: str) -> dict:
        """File a complaint; routing reads the description (service_code is checked, not trusted)."""
        if not api_key or not hmac.compare_digest(api_key, self._api_key()):
            raise Open311Error(403, "api_key tidak sah")
        if service_code not in self._c.directory:
            raise Open311Error(400, f"service_code tidak dikenal: {service_code}")
        if not description.strip():
            raise Open311Error(400, "description wajib diisi")
        source_id = uuid.uuid4().hex[:16]
        Intake(self._c).ingest(IncomingMessage(CHANNEL, source_id, description.strip()[:4000], None, self._c.clock()))
        return {"service_request_id": ticket_id_for(CHANNEL, source_id),
                "service_notice": "Aduan diterima dan diteruskan ke instansi yang berwenang", "account_id": ""}
