"""The application object: every use case, given its collaborators once.

The composition root (`chalicelib/bootstrap.py`) builds one `Kemala` per Lambda container from the
real adapters; tests build one from in-memory fakes. Handlers call one method and return.
"""
from __future__ import annotations

from chalicelib.domain.directory import Directory
from chalicelib.domain.tickets import Ticket
from chalicelib.services.actions import AgencyActions
from chalicelib.services.bans import BanAdmin
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.complaints import Complaints
from chalicelib.services.deletions import Deletions
from chalicelib.services.intake import Intake
from chalicelib.services.open311 import Open311
from chalicelib.services.pipeline import WorkflowSteps
from chalicelib.services.reports import Reports
from chalicelib.services.users import UserAdmin
from chalicelib.services.workspace import Workspace


class Kemala:
    """`intake`: complaints in; `complaints`: those filed through the web form or an app; `steps`: the
    workflow's tasks; `agencies`: what agencies do; `workspace`, `reports`, `open311`, `users`: what people
    and partner systems read and do through the web; `deletions`: posts their authors deleted; `bans`: the
    ban list administrators manage."""

    def __init__(self, collaborators: Collaborators) -> None:
        self.collaborators = collaborators
        self.intake = Intake(collaborators)
        self.complaints = Complaints(collaborators)
        self.steps = WorkflowSteps(collaborators)
        self.agencies = AgencyActions(collaborators)
        if collaborators.queries is not None:
            self.workspace = Workspace(collaborators, collaborators.queries)
            self.reports = Reports(collaborators, collaborators.queries)
            self.open311 = Open311(collaborators, collaborators.queries, collaborators.open311_key)
            self.deletions = Deletions(collaborators, collaborators.queries)
        if collaborators.identity is not None:
            self.users = UserAdmin(collaborators.identity)
        if collaborators.bans is not None:
            self.bans = BanAdmin(collaborators.bans, collaborators.clock)

    @property
    def directory(self) -> Directory:
        return self.collaborators.directory

    def ticket(self, ticket_id: str) -> Ticket:
        return self.collaborators.tickets.get(ticket_id)

    def unreachable_recipients(self) -> list[str]:
        """The scheduled check: duty officers' SMS topics and the operators' topic must reach someone."""
        topics = [f"agency-{agency.duty_topic}" for agency in self.directory] + ["operators"]
        return self.collaborators.notifier.unreachable(topics)

    def record_receipts(self, receipts: list[tuple[str, str]]) -> int:
        """AWS's confirmations that parts of alerts went out: (ticket id, `<part>:<alert key>`)."""
        for ticket_id, receipt in receipts:
            self.collaborators.receipts.add(ticket_id, receipt)
        return len(receipts)
