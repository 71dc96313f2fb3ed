"""The LaporGub! app and partner apps: complaints come through the authenticated JSON API
(`POST /app/v1/complaints`), and the citizen hears back at the contact the app gave, exactly as a
web form's citizen does (the app also reads the status endpoint)."""
from __future__ import annotations

from chalicelib.adapters.channels.web import WebChannel


class AppChannel(WebChannel):
    code = "app"
