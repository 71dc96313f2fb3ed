"""The governor's office pages: the overview of a period (sortable ranking, charts, drill-down to
the tickets behind each row) and the monthly Pergub 13/2018 report, printable or as CSV."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from chalice import Blueprint, Response

from chalicelib.bootstrap import kemala
from chalicelib.domain.access import User
from chalicelib.http.pages import html
from chalicelib.http.session import BadInputError, agency_code, day, page, query, today
from chalicelib.services.open311 import FIRST_YEAR, LAST_YEAR
from chalicelib.services.reports import RESPONSE_BUCKETS, Overview

governor = Blueprint(__name__)


def _query() -> dict[str, str]:
    return query(governor.current_request)


def _period() -> tuple[date, date]:
    q, now = _query(), today()
    start = day(q.get("start", ""), "mulai") or now.replace(day=1)
    end = day(q.get("end", ""), "sampai") or now
    if start > end or (end - start).days > 366:
        raise BadInputError("Periode tidak valid: mulai harus sebelum sampai, paling lama satu tahun")
    return start, end


_NONE_LAST = float("inf")
SORTS = {  # column -> key (ascending); the ranking's default is "responded"
    "agency": lambda f: f.agency,
    "received": lambda f: -f.received,
    "incidents": lambda f: -f.incidents,
    "responded": lambda f: -(f.responded_in_time_pct or -1),
    "median": lambda f: f.median_response_hours if f.median_response_hours is not None else _NONE_LAST,
    "p90": lambda f: f.p90_response_hours if f.p90_response_hours is not None else _NONE_LAST,
    "resolved": lambda f: -f.resolved,
    "resolved_pct": lambda f: -(f.resolved_in_time_pct or -1),
    "backlog": lambda f: -f.open,
}


def chart_data(o: Overview) -> dict:
    per_day = o.per_day()
    return {"days": list(per_day), "perDay": list(per_day.values()),
            "agencies": [f.agency for f in o.agencies], "distribution": o.response_distribution(),
            "buckets": [f"<= {h} jam" for h in RESPONSE_BUCKETS] + [f"> {RESPONSE_BUCKETS[-1]} jam"],
            "regions": [(kemala().directory.regions[r].name if r in kemala().directory.regions else r, n)
                        for r, n in o.by("region").most_common(15)],
            "topics": o.by("agency").most_common(15)}


@governor.route("/workspace/overview", methods=["GET"])
@page(governor)
def overview(user: User):
    start, end = _period()
    result = kemala().reports.overview(user, start, end)
    key = SORTS.get(_query().get("sort", ""), SORTS["responded"])
    return html("overview.html", user=user, o=result, directory=kemala().directory, charts=chart_data(result),
                agencies=sorted(result.agencies, key=lambda f: (key(f), f.agency)))


@governor.route("/workspace/overview/tickets", methods=["GET"])
@page(governor)
def overview_tickets(user: User):
    start, end = _period()
    agency = agency_code(_query().get("agency", ""))
    result = kemala().reports.overview(user, start, end)
    figures = next((f for f in result.agencies if f.agency == agency), None)
    wanted = set(figures.ticket_ids if figures else ())
    return html("drilldown.html", user=user, o=result, agency=agency, directory=kemala().directory,
                tickets=[t for t in result.tickets if t.ticket_id in wanted])


def _month() -> str:
    month = _query().get("month") or f"{today().replace(day=1) - timedelta(days=1):%Y-%m}"
    try:
        year = datetime.strptime(month, "%Y-%m").year
    except ValueError:
        raise BadInputError(f"Bulan tidak valid: {month} (format TTTT-BB)") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:  # far months overflow in date arithmetic
        raise BadInputError(f"Bulan di luar tahun {FIRST_YEAR}-{LAST_YEAR}: {month}")
    return month


@governor.route("/workspace/report", methods=["GET"])
@page(governor)
def report(user: User):
    month = _month()
    result = kemala().reports.monthly(user, month)
    if _query().get("format") == "csv":
        return Response(report_csv(result), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="kemala-pergub13-{month}.csv"'})
    return html("report.html", user=user, o=result, month=month, directory=kemala().directory)


REPORT_COLUMNS = ["instansi", "nama", "diterima", "insiden", "ditanggapi_tepat_waktu", "ditanggapi_tepat_waktu_pct",
                  "median_jam_tanggapan", "p90_jam_tanggapan", "selesai", "selesai_tepat_waktu",
                  "selesai_tepat_waktu_pct", "eskalasi_1", "eskalasi_2", "dialihkan_masuk", "dialihkan_keluar",
                  "terbuka_akhir_periode"]


def report_csv(result) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    directory = kemala().directory

    def number(value):
        return "" if value is None else round(value, 2)
    for f in result.agencies:
        writer.writerow([f.agency, directory[f.agency].name, f.received, f.incidents, f.responded_in_time,
                         number(f.responded_in_time_pct), number(f.median_response_hours),
                         number(f.p90_response_hours), f.resolved, f.resolved_in_time, number(f.resolved_in_time_pct),
                         f.escalations.get(1, 0), f.escalations.get(2, 0), f.handed_in, f.handed_on, f.open])
    return out.getvalue()
