"""Demo accounts on the local stack's user pool: one per role, printed by `make run`."""
from __future__ import annotations

from chalicelib.bootstrap import kemala

PASSWORD = "Kemala-Demo-2026"
DEMO = {  # username -> group
    "dpubmck": "DPUBMCK",
    "dinkes": "DINKES",
    "triase": "TRIAGE",
    "biro-gubernur": "GOVERNOR_OFFICE",
    "admin": "ADMIN",
}


def create_demo_accounts() -> dict[str, str]:
    identity = kemala().collaborators.identity
    for username, group in DEMO.items():
        identity.create_user(username, PASSWORD, group)
    return DEMO
