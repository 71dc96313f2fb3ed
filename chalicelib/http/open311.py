"""Open311 GeoReport v2 routes (`/open311/v2/...`): JSON or XML by the file extension, as the spec
says; errors as the spec's list of `{code, description}`."""
from __future__ import annotations

import json
from urllib.parse import parse_qs
from xml.etree import ElementTree

from chalice import BadRequestError, Blueprint, Response

from chalicelib.bootstrap import kemala
from chalicelib.http.inputs import TICKET_ID, form_text
from chalicelib.services.open311 import Open311Error, RequestFilter, parse_datetime

open311 = Blueprint(__name__)
_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
_ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
          "errors": ("errors", "error")}


def _split(name: str) -> tuple[str, str]:
    base, _, fmt = name.rpartition(".")
    if fmt not in _TYPES or not base:
        raise Open311Error(404, f"Format tidak didukung: {name} (pakai .json atau .xml)")
    return base, fmt


def render(kind: str, rows: list[dict], fmt: str, status: int = 200) -> Response:
    if fmt == "json":
        return Response(json.dumps(rows, ensure_ascii=False), status_code=status, headers={"Content-Type": _TYPES[fmt]})
    root_name, item_name = _ROOTS[kind]
    root = ElementTree.Element(root_name)
    for row in rows:
        item = ElementTree.SubElement(root, item_name)
        for key, value in row.items():
            ElementTree.SubElement(item, key).text = str(value).lower() if isinstance(value, bool) else str(value)
    body = '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="unicode")
    return Response(body, status_code=status, headers={"Content-Type": _TYPES[fmt]})


def _answer(name: str, produce) -> Response:
    fmt = name.rpartition(".")[2] if name.rpartition(".")[2] in _TYPES else "json"
    try:
        base, fmt = _split(name)
        kind, rows = produce(base)
        return render(kind, rows, fmt)
    except Open311Error as error:
        return render("errors", [{"code": error.code, "description": str(error)}], fmt, error.code)


def _params() -> dict[str, str]:
    request = open311.current_request
    params = dict(request.query_params or {})
    if request.method == "POST":
        try:
            params.update({k: v[0] for k, v in parse_qs(form_text(request)).items()})
        except BadRequestError as error:
            raise Open311Error(400, error.args[0]) from None
    return params


def _ticket_id(value: str) -> str:
    """A ticket number as the tickets table can look it up; anything else names no request."""
    if not TICKET_ID.fullmatch(value):
        raise Open311Error(404, f"Permintaan {value[:64]} tidak ditemukan")
    return value


@open311.route("/open311/v2/{name}", methods=["GET", "POST"],
               content_types=["application/x-www-form-urlencoded", "application/json"])
def collection(name):
    method = open311.current_request.method

    def produce(base: str):
        api, params = kemala().open311, _params()
        if base == "services" and method == "GET":
            return "services", api.services()
        if base == "requests" and method == "GET":
            ids = tuple(_ticket_id(i.strip()) for i in params.get("service_request_id", "").split(",") if i.strip())
            wanted = RequestFilter(params.get("service_code", ""), params.get("status", ""),
                                   parse_datetime(params.get("start_date"), "start_date"),
                                   parse_datetime(params.get("end_date"), "end_date"), ids)
            return "requests", api.requests(wanted)
        if base == "requests":
            return "requests", [api.submit(params.get("api_key", ""), params.get("service_code", ""),
                                           params.get("description", ""))]
        raise Open311Error(404, f"Tidak ada sumber {base} untuk {method}")
    return _answer(name, produce)


@open311.route("/open311/v2/requests/{name}", methods=["GET"])
def one_request(name):
    return _answer(name, lambda base: ("requests", [kemala().open311.request(_ticket_id(base))]))
