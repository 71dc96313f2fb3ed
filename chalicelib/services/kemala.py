"""The application object: every use case, given its collaborators once.

The composition root (`chalicelib/bootstrap.py`) builds one `Kemala` per Lambda container from the
real adapters; tests build one from in-memory fakes. Handlers call one method and return.
"""
from __future__ import annotations

from chalicelib.domain.directory import Directory
from chalicelib.domain.tickets import Ticket
from chalicelib.services.actions import AgencyActions
from chalicelib.services.collaborators import Collaborators
from chalicelib.services.complaints import Complaints
from chalicelib.services.intake import Intake
from chalicelib.services.pipeline import WorkflowSteps


class Kemala:
    """`intake`: complaints in; `complaints`: those filed through the web form or an app; `steps`: the
    workflow's tasks; `agencies`: what agencies do."""

    def __init__(self, collaborators: Collaborators) -> None:
        self.collaborators = collaborators
        self.intake = Intake(collaborators)
        self.complaints = Complaints(collaborators)
        self.steps = WorkflowSteps(collaborators)
        self.agencies = AgencyActions(collaborators)

    @property
    def directory(self) -> Directory:
        return self.collaborators.directory

    def ticket(self, ticket_id: str) -> Ticket:
        return self.collaborators.tickets.get(ticket_id)
