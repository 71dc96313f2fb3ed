"""What every use case works with, given once: the ports, the directory, the classifier, the clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from chalicelib.domain.directory import Directory
from chalicelib.domain.incidents import WINDOW
from chalicelib.domain.sla import SlaPolicy
from chalicelib.domain.tickets import Classification, Ticket
from chalicelib.services.ports import (
    BanList, Channels, CheckpointStore, CorrectionStore, Identity, IncidentStore, Notifier, PhotoStore, ReceiptStore,
    Tasks, TicketQueries, TicketRepository, Workflow,
)

Classifier = Callable[[str], Classification]
ActionLinks = Callable[[Ticket, str], str]  # (ticket, action) -> the agency's signed link


@dataclass(frozen=True)
class Collaborators:
    tickets: TicketRepository
    checkpoints: CheckpointStore
    corrections: CorrectionStore
    workflow: Workflow
    notifier: Notifier
    channels: Channels
    directory: Directory
    classify: Classifier
    links: ActionLinks
    clock: Callable[[], datetime]
    receipts: ReceiptStore  # AWS's confirmations of alerts sent (services/alerting.py)
    sla: SlaPolicy = SlaPolicy()
    own_accounts: frozenset[str] = frozenset()  # Kemala's own accounts on the citizen channels
    queries: TicketQueries | None = None  # the workspace's index reads
    identity: Identity | None = None  # the user pool
    open311_key: Callable[[], str] = lambda: ""  # the api_key Open311 clients file requests with
    photos: PhotoStore | None = None  # citizens' photos (web form, app)
    incidents: IncidentStore | None = None  # reports linked into incidents; None: every report stands alone
    incident_window: timedelta = WINDOW  # how long an incident takes new reports
    alert_receipt_wait: timedelta = timedelta(minutes=2)  # how long an unconfirmed alert may still be in flight
    tasks: Tasks | None = None  # asynchronous work (an agency's action spread over an incident's reports)
    bans: BanList | None = None  # accounts administrators banned; None: nobody is banned
    author_hourly_limit: int = 10  # messages per hour from one author before the rest go to the triage desk
