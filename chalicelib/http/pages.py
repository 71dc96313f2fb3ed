"""Server-rendered pages of the workspace: Jinja2 templates (Indonesian, times in WIB), the HTML
responses they go out in, and the formatting helpers templates use."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice import Response

from chalicelib.domain.messages import STATUS_LABELS, WIB, format_wib
from chalicelib.domain.privacy import mask
from chalicelib.domain.tickets import Status

HERE = Path(__file__).resolve().parent
URGENCY_LABELS = {"EMERGENCY": "Darurat", "HIGH": "Tinggi", "NORMAL": "Biasa"}
CHANNEL_LABELS = {"x": "X", "web": "Web", "sms": "SMS", "app": "Aplikasi", "api": "Open311"}


def duration(hours: float | None) -> str:
    """`3 j 20 m`, `2 h 4 j`: a span of time in few characters."""
    if hours is None:
        return "-"
    minutes = int(round(abs(hours) * 60))
    if minutes == 0:
        return "< 1 m"
    days, rest = divmod(minutes, 24 * 60)
    return f"{days} h {rest // 60} j" if days else f"{rest // 60} j {rest % 60} m"


def time_left(due: datetime, now: datetime) -> str:
    hours = (due - now).total_seconds() / 3600
    return f"{duration(hours)} lagi" if hours >= 0 else f"terlambat {duration(hours)}"


def _status_label(value: str) -> str:
    return STATUS_LABELS[Status(value)]


@lru_cache(maxsize=1)
def _env() -> Any:
    """The template environment, built on the first page: the functions that render none never import Jinja2."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(wib=format_wib, duration=duration, status=_status_label,
                       urgency=lambda u: URGENCY_LABELS.get(u, u), channel=lambda c: CHANNEL_LABELS.get(c, c),
                       day=lambda d: f"{d.astimezone(WIB):%Y-%m-%d}" if d else "", mask=mask)
    env.globals.update(time_left=time_left, statuses=STATUS_LABELS, urgencies=URGENCY_LABELS,
                       channels=CHANNEL_LABELS)
    return env


def html(template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
    body = _env().get_template(template).render(**context)
    return Response(body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8",
                                                       "Cache-Control": "no-store", **(headers or {})})


def redirect(location: str, headers: dict | None = None) -> Response:
    return Response("", status_code=303, headers={"Location": location, **(headers or {})})
