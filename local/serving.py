"""Serving a local emulator's Flask app on 127.0.0.1, on a free port, in a daemon thread."""
from __future__ import annotations

import threading

from werkzeug.serving import make_server


def serve(app):
    """The running server (stop it with `.shutdown()`) and its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
