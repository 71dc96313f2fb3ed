"""The workspace's routes: sign-in, an agency's queue and tickets, the governor's office overview,
the monthly Pergub 13/2018 report, user management, and the same ticket reads and actions as a
JSON API for scripts. Every route checks the session first; refusals come back as pages (or JSON)
with a 403/404 and a message."""
from __future__ import annotations

import csv
import functools
import io
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, quote

from chalice import Blueprint, NotFoundError, Response, UnauthorizedError

from chalicelib.bootstrap import kemala
from chalicelib.domain.access import STAFF_GROUPS, AccessDeniedError, User, can_act
from chalicelib.domain.directory import UnknownAgencyError
from chalicelib.domain.messages import WIB
from chalicelib.domain.tickets import InvalidTransitionError
from chalicelib.http.auth import expired_cookie, session_cookie, user_of
from chalicelib.http.errors import as_http_errors
from chalicelib.http.pages import HERE, html, redirect
from chalicelib.http.views import public_status
from chalicelib.services.ports import ConcurrentUpdateError, InvalidTokenError, LoginFailedError, TicketNotFoundError
from chalicelib.services.reports import RESPONSE_BUCKETS, Overview
from chalicelib.services.workspace import ACTIONS, QueueFilter
from chalicelib.settings import get_settings

workspace = Blueprint(__name__)
FORMS = ["application/x-www-form-urlencoded", "application/json"]  # a form without a body comes as JSON
STATIC = {"pico.min.css": "text/css", "workspace.css": "text/css", "chart.umd.min.js": "text/javascript",
          "overview.js": "text/javascript"}
CONFIRMATIONS = {
    "acknowledge": "Penerimaan tiket {id} dikonfirmasi; batas waktu tanggapan berhenti.",
    "answer": "Jawaban untuk tiket {id} tersimpan dan diteruskan ke warga.",
    "resolve": "Tiket {id} dinyatakan selesai; warga diberi tahu.",
    "reassign": "Tiket {id} dialihkan ke {to}; instansi itu diberi tahu dengan batas waktu baru.",
    "close": "Tiket {id} ditutup sebagai bukan aduan.",
}


class BadInputError(ValueError):
    """A query or form value that cannot be used; the message says which."""


def _request():
    return workspace.current_request


def _form() -> dict[str, str]:
    return {k: v[0].strip() for k, v in parse_qs((_request().raw_body or b"").decode("utf-8")).items()}


def _query() -> dict[str, str]:
    return {k: v.strip() for k, v in (_request().query_params or {}).items()}


def _day(value: str, name: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise BadInputError(f"Tanggal '{name}' tidak valid: {value} (format TTTT-BB-HH)") from None


def _today() -> date:
    return kemala().collaborators.clock().astimezone(WIB).date()


def page(handler):
    """Sign-in required; domain refusals become pages with their status and message."""
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            user = user_of(_request(), kemala().users)
        except InvalidTokenError:
            return redirect(f"/workspace/login?next={quote(_request().context.get('path', '/workspace'))}")
        try:
            return handler(user, *args, **kwargs)
        except AccessDeniedError as error:
            return html("error.html", 403, user=user, message=str(error))
        except TicketNotFoundError as error:
            return html("error.html", 404, user=user, message=f"Tiket {error.args[0]} tidak ditemukan")
        except (BadInputError, UnknownAgencyError) as error:
            return html("error.html", 400, user=user, message=str(error))
        except InvalidTransitionError as error:
            return html("error.html", 409, user=user, message=f"Tindakan ditolak: {error}")
        except ConcurrentUpdateError as error:
            return html("error.html", 409, user=user, message=f"Tiket {error.args[0]} sedang diperbarui; coba lagi")
    return wrapped


# --- Sign-in ---------------------------------------------------------------------------------------

@workspace.route("/workspace/login", methods=["GET"])
def login_page():
    return html("login.html", next=_query().get("next", "/workspace"))


@workspace.route("/workspace/login", methods=["POST"], content_types=FORMS)
def login():
    form = _form()
    target = form.get("next", "")
    target = target if target.startswith("/workspace") else "/workspace"
    try:
        token = kemala().users.login(form.get("username", ""), form.get("password", ""))
    except LoginFailedError:
        return html("login.html", 401, next=target, username=form.get("username", ""),
                    message="Nama pengguna atau kata sandi salah")
    secure = get_settings().public_base_url.startswith("https://")
    return redirect(target, {"Set-Cookie": session_cookie(token, secure)})


@workspace.route("/workspace/logout", methods=["POST"], content_types=FORMS)
def logout():
    return redirect("/workspace/login", {"Set-Cookie": expired_cookie()})


@workspace.route("/workspace", methods=["GET"])
@page
def home(user: User):
    if user.reads_everything:
        return redirect("/workspace/overview")
    return redirect("/workspace/queue")


@workspace.route("/static/{name}", methods=["GET"])
def static(name):
    if name not in STATIC:
        return Response("tidak ditemukan", status_code=404)
    body = (HERE / "static" / name).read_text(encoding="utf-8")
    return Response(body, headers={"Content-Type": f"{STATIC[name]}; charset=utf-8",
                                   "Cache-Control": "public, max-age=86400"})


# --- Agency queue and tickets -----------------------------------------------------------------------

@workspace.route("/workspace/queue", methods=["GET"])
@page
def queue(user: User):
    q = _query()
    wanted = QueueFilter(q.get("agency") or None, q.get("status", ""), q.get("urgency", ""), q.get("region", ""),
                         q.get("channel", ""), _day(q.get("since", ""), "dari"), _day(q.get("until", ""), "sampai"),
                         q.get("q", ""))
    ws = kemala().workspace
    items = ws.queue(user, wanted)
    return html("queue.html", user=user, items=items, agency=ws.queue_owner(user, wanted.agency), q=q,
                now=kemala().collaborators.clock(), directory=kemala().directory)


@workspace.route("/workspace/tickets/{ticket_id}", methods=["GET"])
@page
def ticket_page(user: User, ticket_id: str):
    ticket = kemala().workspace.ticket(user, ticket_id)
    return html("ticket.html", user=user, t=ticket, can_act=can_act(user, ticket), directory=kemala().directory,
                now=kemala().collaborators.clock(),
                done=CONFIRMATIONS.get(_query().get("done", ""), "").format(id=ticket.ticket_id, to=ticket.agency))


@workspace.route("/workspace/tickets/{ticket_id}/{action}", methods=["POST"],
                 content_types=FORMS)
@page
def ticket_action(user: User, ticket_id: str, action: str):
    if action not in ACTIONS:
        raise BadInputError(f"Tindakan tidak dikenal: {action}")
    fields = _form()
    ticket = kemala().workspace.act(user, ticket_id, action, fields)
    return redirect(f"/workspace/tickets/{ticket.ticket_id}?done={action}")


# --- Governor's office -------------------------------------------------------------------------------

def _period() -> tuple[date, date]:
    q, today = _query(), _today()
    start = _day(q.get("start", ""), "mulai") or today.replace(day=1)
    end = _day(q.get("end", ""), "sampai") or today
    if start > end or (end - start).days > 366:
        raise BadInputError("Periode tidak valid: mulai harus sebelum sampai, paling lama satu tahun")
    return start, end


_NONE_LAST = float("inf")
SORTS = {  # column -> key (ascending); the ranking's default is "responded"
    "agency": lambda f, o: f.agency,
    "received": lambda f, o: -f.received,
    "responded": lambda f, o: -(f.responded_in_time_pct or -1),
    "median": lambda f, o: f.median_response_hours if f.median_response_hours is not None else _NONE_LAST,
    "p90": lambda f, o: f.p90_response_hours if f.p90_response_hours is not None else _NONE_LAST,
    "resolved": lambda f, o: -f.resolved,
    "resolved_pct": lambda f, o: -(f.resolved_in_time_pct or -1),
    "backlog": lambda f, o: -f.open,
}


def chart_data(o: Overview) -> dict:
    per_day = o.per_day()
    return {"days": list(per_day), "perDay": list(per_day.values()),
            "agencies": [f.agency for f in o.agencies], "distribution": o.response_distribution(),
            "buckets": [f"<= {h} jam" for h in RESPONSE_BUCKETS] + [f"> {RESPONSE_BUCKETS[-1]} jam"],
            "regions": [(kemala().directory.regions[r].name if r in kemala().directory.regions else r, n)
                        for r, n in o.by("region").most_common(15)],
            "topics": o.by("agency").most_common(15)}


@workspace.route("/workspace/overview", methods=["GET"])
@page
def overview(user: User):
    start, end = _period()
    result = kemala().reports.overview(user, start, end)
    key = SORTS.get(_query().get("sort", ""), SORTS["responded"])
    return html("overview.html", user=user, o=result, directory=kemala().directory, charts=chart_data(result),
                agencies=sorted(result.agencies, key=lambda f: (key(f, result), f.agency)))


@workspace.route("/workspace/overview/tickets", methods=["GET"])
@page
def overview_tickets(user: User):
    start, end = _period()
    agency = _query().get("agency", "")
    result = kemala().reports.overview(user, start, end)
    figures = next((f for f in result.agencies if f.agency == agency), None)
    wanted = set(figures.ticket_ids if figures else ())
    return html("drilldown.html", user=user, o=result, agency=agency, directory=kemala().directory,
                tickets=[t for t in result.tickets if t.ticket_id in wanted])


def _month() -> str:
    month = _query().get("month") or f"{_today().replace(day=1) - timedelta(days=1):%Y-%m}"
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise BadInputError(f"Bulan tidak valid: {month} (format TTTT-BB)") from None
    return month


@workspace.route("/workspace/report", methods=["GET"])
@page
def report(user: User):
    month = _month()
    result = kemala().reports.monthly(user, month)
    if _query().get("format") == "csv":
        return Response(report_csv(result), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="kemala-pergub13-{month}.csv"'})
    return html("report.html", user=user, o=result, month=month, directory=kemala().directory)


REPORT_COLUMNS = ["instansi", "nama", "diterima", "ditanggapi_tepat_waktu", "ditanggapi_tepat_waktu_pct",
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
        writer.writerow([f.agency, directory[f.agency].name, f.received, f.responded_in_time,
                         number(f.responded_in_time_pct), number(f.median_response_hours),
                         number(f.p90_response_hours), f.resolved, f.resolved_in_time, number(f.resolved_in_time_pct),
                         f.escalations.get(1, 0), f.escalations.get(2, 0), f.handed_in, f.handed_on, f.open])
    return out.getvalue()


# --- Users --------------------------------------------------------------------------------------------

@workspace.route("/workspace/users", methods=["GET", "POST"], content_types=FORMS)
@page
def users(user: User):
    message = ""
    if _request().method == "POST":
        form = _form()
        group = form.get("group", "")
        if group not in STAFF_GROUPS and group not in kemala().directory:
            raise BadInputError(f"Grup tidak dikenal: {group}")
        kemala().users.create(user, form.get("username", ""), form.get("password", ""), group)
        message = f"Pengguna {form.get('username')} dibuat dalam grup {group}."
    return html("users.html", user=user, names=kemala().users.usernames(user), message=message,
                groups=[*kemala().directory.codes(), *STAFF_GROUPS[1:]])


# --- JSON API (Authorization: Bearer <ID token>) -------------------------------------------------------

def _api_user() -> User:
    try:
        return user_of(_request(), kemala().users)
    except InvalidTokenError:
        raise UnauthorizedError("Masuk dulu: token sesi tidak ada atau tidak sah") from None


@workspace.route("/api/tickets/{ticket_id}", methods=["GET"])
def api_ticket(ticket_id):
    user = _api_user()
    with as_http_errors(ticket_id, "tidak dapat dibaca"):
        ticket = kemala().workspace.ticket(user, ticket_id)
    return {**public_status(ticket, kemala().directory), "text": ticket.text,
            "history": [{"at": h.at.isoformat(), "status": h.status.value, "actor": h.actor, "note": h.note,
                         "agency": h.agency} for h in ticket.history]}


@workspace.route("/api/tickets/{ticket_id}/{action}", methods=["POST"], content_types=["application/json"])
def api_act(ticket_id, action):
    user = _api_user()
    if action not in ACTIONS:
        raise NotFoundError(f"Tindakan tidak dikenal: {action}")
    body = _request().json_body or {}
    with as_http_errors(ticket_id, "tidak dapat diproses"):
        ticket = kemala().workspace.act(user, ticket_id, action, {k: str(v) for k, v in body.items()})
    return public_status(ticket, kemala().directory)
