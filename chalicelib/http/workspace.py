"""The workspace's routes: sign-in, an agency's queue and tickets with the lifecycle's actions (and the
triage desk's closing in bulk), user management, the ban list, and the same ticket reads and actions as
a JSON API for scripts. Every route checks the session first; refusals come back as pages (or JSON) with
a 403/404 and a message."""
from __future__ import annotations

from chalice import BadRequestError, Blueprint, NotFoundError, Response, UnauthorizedError

from chalicelib.bootstrap import kemala
from chalicelib.domain.access import STAFF_GROUPS, User, can_act
from chalicelib.http.auth import expired_cookie, session_cookie, user_of
from chalicelib.http import inputs
from chalicelib.http.errors import as_http_errors
from chalicelib.http.pages import HERE, html, redirect
from chalicelib.http.session import FORMS, BadInputError, agency_code, day, form, form_list, page, query
from chalicelib.http.views import public_status
from chalicelib.services.ports import AccountRefusedError, InvalidTokenError, LoginFailedError
from chalicelib.services.workspace import ACTIONS, QueueFilter
from chalicelib.settings import get_settings

workspace = Blueprint(__name__)


def _query() -> dict[str, str]:
    return query(workspace.current_request)


def _form() -> dict[str, str]:
    return form(workspace.current_request)

STATIC = {"pico.min.css": "text/css", "workspace.css": "text/css", "chart.umd.min.js": "text/javascript",
          "overview.js": "text/javascript", "lapor.css": "text/css", "lapor.js": "text/javascript"}
SENDER_KINDS = {"x": "Akun X", "phone": "Nomor telepon", "email": "Alamat e-mail"}
CONFIRMATIONS = {
    "acknowledge": "Penerimaan tiket {id} dikonfirmasi; batas waktu tanggapan berhenti.",
    "answer": "Jawaban untuk tiket {id} tersimpan dan diteruskan ke warga.",
    "resolve": "Tiket {id} dinyatakan selesai; warga diberi tahu.",
    "reassign": "Tiket {id} dialihkan ke {to}; instansi itu diberi tahu dengan batas waktu baru.",
    "close": "Tiket {id} ditutup sebagai bukan aduan.",
}


# --- Sign-in ---------------------------------------------------------------------------------------

@workspace.route("/workspace/login", methods=["GET"])
def login_page():
    return html("login.html", next=_query().get("next", "/workspace"))


def _next_page(target: str) -> str:
    """Where to go after signing in: a workspace page of this site, nothing else (no other site, no
    header injection)."""
    fine = target.startswith("/workspace") and target.isascii() and target.isprintable() and "\\" not in target
    return target if fine else "/workspace"


@workspace.route("/workspace/login", methods=["POST"], content_types=FORMS)
def login():
    try:
        form = _form()
    except BadRequestError as error:
        return html("login.html", 400, next="/workspace", message=error.args[0])
    target = _next_page(form.get("next", ""))
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
@page(workspace)
def home(user: User):
    if user.reads_everything:
        return redirect("/workspace/overview")
    return redirect("/workspace/queue")


@workspace.route("/static/{name}", methods=["GET"])
def static(name):
    if name not in STATIC:
        raise NotFoundError(f"Berkas tidak ditemukan: {name}")
    body = (HERE / "static" / name).read_text(encoding="utf-8")
    return Response(body, headers={"Content-Type": f"{STATIC[name]}; charset=utf-8",
                                   "Cache-Control": "public, max-age=86400"})


# --- Agency queue and tickets -----------------------------------------------------------------------

@workspace.route("/workspace/queue", methods=["GET"])
@page(workspace)
def queue(user: User):
    q = _query()
    wanted = QueueFilter(agency_code(q["agency"]) if q.get("agency") else None, q.get("status", ""), q.get("urgency", ""), q.get("region", ""),
                         q.get("channel", ""), day(q.get("since", ""), "dari"), day(q.get("until", ""), "sampai"),
                         q.get("q", ""))
    ws = kemala().workspace
    items = ws.queue(user, wanted)
    closed = q.get("closed", "")
    return html("queue.html", user=user, items=items, agency=ws.queue_owner(user, wanted.agency), q=q,
                now=kemala().collaborators.clock(), directory=kemala().directory,
                done=f"{closed} tiket ditutup sebagai bukan aduan." if closed.isdigit() else "")


@workspace.route("/workspace/queue/close", methods=["POST"], content_types=FORMS)
@page(workspace)
def close_selected(user: User):
    """The triage desk closes the tickets it ticked in its queue, in one action."""
    chosen = [inputs.ticket_id(ticket_id) for ticket_id in form_list(workspace.current_request, "ticket")]
    if not chosen:
        raise BadInputError("Pilih dulu tiket yang akan ditutup")
    closed = kemala().workspace.close_many(user, chosen, inputs.text_field(_form(), "reason"))
    return redirect(f"/workspace/queue?closed={len(closed)}")


@workspace.route("/workspace/tickets/{ticket_id}", methods=["GET"])
@page(workspace)
def ticket_page(user: User, ticket_id: str):
    ticket = kemala().workspace.ticket(user, inputs.ticket_id(ticket_id))
    return html("ticket.html", user=user, t=ticket, can_act=can_act(user, ticket), directory=kemala().directory,
                now=kemala().collaborators.clock(),
                done=CONFIRMATIONS.get(_query().get("done", ""), "").format(id=ticket.ticket_id, to=ticket.agency))


@workspace.route("/workspace/tickets/{ticket_id}/{action}", methods=["POST"],
                 content_types=FORMS)
@page(workspace)
def ticket_action(user: User, ticket_id: str, action: str):
    if action not in ACTIONS:
        raise BadInputError(f"Tindakan tidak dikenal: {action}")
    fields = inputs.action_fields(action, _form())
    ticket = kemala().workspace.act(user, inputs.ticket_id(ticket_id), action, fields)
    return redirect(f"/workspace/tickets/{ticket.ticket_id}?done={action}")


# --- Users --------------------------------------------------------------------------------------------

@workspace.route("/workspace/users", methods=["GET", "POST"], content_types=FORMS)
@page(workspace)
def users(user: User):
    message = ""
    if workspace.current_request.method == "POST":
        form = _form()
        group = form.get("group", "")
        if group not in STAFF_GROUPS and group not in kemala().directory:
            raise BadInputError(f"Grup tidak dikenal: {group}")
        try:
            kemala().users.create(user, form.get("username", ""), form.get("password", ""), group)
        except AccountRefusedError as error:
            raise BadInputError(f"Pengguna tidak dapat dibuat: {error}") from None
        message = f"Pengguna {form.get('username')} dibuat dalam grup {group}."
    return html("users.html", user=user, names=kemala().users.usernames(user), message=message,
                groups=[*kemala().directory.codes(), *STAFF_GROUPS[1:]])


# --- Ban list (admin) ---------------------------------------------------------------------------------

@workspace.route("/workspace/bans", methods=["GET", "POST"], content_types=FORMS)
@page(workspace)
def bans(user: User):
    """Who Kemala no longer takes messages from or replies to: add (POST), list."""
    message = ""
    if workspace.current_request.method == "POST":
        fields = _form()
        ban = kemala().bans.ban(user, fields.get("kind", ""), fields.get("address", ""), fields.get("reason", ""))
        message = f"{ban.address} diblokir: pesannya tidak lagi diterima dan tidak dibalas."
    return html("bans.html", user=user, bans=kemala().bans.listed(user), message=message, kinds=SENDER_KINDS)


@workspace.route("/workspace/bans/remove", methods=["POST"], content_types=FORMS)
@page(workspace)
def unban(user: User):
    fields = _form()
    kemala().bans.unban(user, fields.get("kind", ""), fields.get("address", ""))
    return redirect("/workspace/bans")


# --- JSON API (Authorization: Bearer <ID token>) -------------------------------------------------------

def _api_user() -> User:
    try:
        return user_of(workspace.current_request, kemala().users)
    except InvalidTokenError:
        raise UnauthorizedError("Masuk dulu: token sesi tidak ada atau tidak sah") from None


@workspace.route("/api/tickets/{ticket_id}", methods=["GET"])
def api_ticket(ticket_id):
    user = _api_user()
    with as_http_errors(ticket_id, "tidak dapat dibaca"):
        ticket = kemala().workspace.ticket(user, inputs.ticket_id(ticket_id))
    return {**public_status(ticket, kemala().directory), "text": ticket.text,
            "history": [{"at": h.at.isoformat(), "status": h.status.value, "actor": h.actor, "note": h.note,
                         "agency": h.agency} for h in ticket.history]}


@workspace.route("/api/tickets/{ticket_id}/{action}", methods=["POST"], content_types=["application/json"])
def api_act(ticket_id, action):
    user = _api_user()
    if action not in ACTIONS:
        raise NotFoundError(f"Tindakan tidak dikenal: {action}")
    fields = inputs.action_fields(action, inputs.body_fields(workspace.current_request))
    with as_http_errors(ticket_id, "tidak dapat diproses"):
        ticket = kemala().workspace.act(user, inputs.ticket_id(ticket_id), action, fields)
    return public_status(ticket, kemala().directory)
