"""DynamoDB through PynamoDB: tickets, the poller's checkpoints and routing corrections.

Every read and write of Kemala's own tables is in this module. Tickets carry a version
attribute, so two writers racing on one ticket cannot silently overwrite each other.
"""
from __future__ import annotations

from datetime import datetime, timezone

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib.domain.tickets import Classification, Correction, HistoryEntry, Status, Ticket
from chalicelib.services.ports import ConcurrentUpdateError, TicketNotFoundError
from chalicelib.settings import Tables


def _is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class TicketModel(Model):
    class Meta:
        table_name = "bound by use_tables()"

    ticket_id = UnicodeAttribute(hash_key=True)
    channel = UnicodeAttribute()
    source_id = UnicodeAttribute()
    text = UnicodeAttribute()
    author = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    agency = UnicodeAttribute(null=True)
    copy_region = UnicodeAttribute(null=True)
    classification = JSONAttribute(null=True)
    due_at = UTCDateTimeAttribute(null=True)
    notified_at = UTCDateTimeAttribute(null=True)
    acknowledged_at = UTCDateTimeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    reply_id = UnicodeAttribute(null=True)
    history = JSONAttribute(default=list)
    version = VersionAttribute()


class CheckpointModel(Model):
    class Meta:
        table_name = "bound by use_tables()"

    stream = UnicodeAttribute(hash_key=True)
    since_id = NumberAttribute()  # X ids are 64-bit integers: compared as numbers, not strings
    updated_at = UTCDateTimeAttribute()


def use_tables(tables: Tables) -> None:
    """Point the models at this stage's tables (before their first request)."""
    for model, name in ((TicketModel, tables.tickets), (CheckpointModel, tables.checkpoints),
                        (CorrectionModel, tables.corrections)):
        model.Meta.table_name = name  # PynamoDB reconnects when the name changes


def _to_model(ticket: Ticket) -> TicketModel:
    c = ticket.classification
    model = TicketModel(
        ticket.ticket_id,
        channel=ticket.channel, source_id=ticket.source_id, text=ticket.text, author=ticket.author,
        received_at=ticket.received_at, status=ticket.status.value, agency=ticket.agency, copy_region=ticket.copy_region,
        classification=None if c is None else {
            "agency": c.agency, "region": c.region, "urgency": c.urgency,
            "confidence": c.confidence, "evidence": c.evidence,
        },
        due_at=ticket.due_at, notified_at=ticket.notified_at, acknowledged_at=ticket.acknowledged_at,
        escalated_at=ticket.escalated_at, task_token=ticket.task_token, reply_id=ticket.reply_id,
        history=[{"at": h.at.isoformat(), "status": h.status.value, "note": h.note} for h in ticket.history],
    )
    if ticket.version is not None:
        model.version = ticket.version
    return model


def _to_ticket(model: TicketModel) -> Ticket:
    c = model.classification
    return Ticket(
        ticket_id=model.ticket_id, channel=model.channel, source_id=model.source_id, text=model.text,
        author=model.author, received_at=model.received_at, status=Status(model.status),
        classification=None if c is None else Classification(**c), agency=model.agency, copy_region=model.copy_region,
        due_at=model.due_at, notified_at=model.notified_at, acknowledged_at=model.acknowledged_at,
        escalated_at=model.escalated_at, task_token=model.task_token, reply_id=model.reply_id,
        history=[HistoryEntry(datetime.fromisoformat(h["at"]), Status(h["status"]), h["note"]) for h in model.history],
        version=model.version,
    )


class DynamoTicketRepository:
    """Tickets in DynamoDB; `add` is the idempotent create that makes intake exactly-once."""

    def add(self, ticket: Ticket) -> bool:
        """Store a new ticket; False (and nothing written) when a ticket with that id exists."""
        model = _to_model(ticket)
        try:
            model.save(condition=TicketModel.ticket_id.does_not_exist())
        except PutError as error:
            if _is_condition_failure(error):
                return False
            raise
        ticket.version = model.version
        return True

    def get(self, ticket_id: str) -> Ticket:
        try:
            return _to_ticket(TicketModel.get(ticket_id, consistent_read=True))
        except DoesNotExist:
            raise TicketNotFoundError(ticket_id) from None

    def save(self, ticket: Ticket) -> None:
        """Write back a ticket read earlier; fails if someone else wrote it in between."""
        model = _to_model(ticket)
        try:
            model.save()
        except PutError as error:
            if _is_condition_failure(error):
                raise ConcurrentUpdateError(ticket.ticket_id) from error
            raise
        ticket.version = model.version

    def scan_all(self) -> list[Ticket]:
        return [_to_ticket(model) for model in TicketModel.scan()]


class DynamoCheckpointStore:
    """Where each poll stream (one per search query) last stopped."""

    def get(self, stream: str) -> str | None:
        try:
            return str(CheckpointModel.get(stream, consistent_read=True).since_id)
        except DoesNotExist:
            return None

    def put(self, stream: str, since_id: str) -> None:
        """Move the checkpoint forward only: a slow, stale poller can never move it back."""
        checkpoint = CheckpointModel(stream, since_id=int(since_id), updated_at=datetime.now(timezone.utc))
        try:
            checkpoint.save(
                condition=CheckpointModel.stream.does_not_exist() | (CheckpointModel.since_id < int(since_id))
            )
        except PutError as error:
            if not _is_condition_failure(error):
                raise


class CorrectionModel(Model):
    class Meta:
        table_name = "bound by use_tables()"

    ticket_id = UnicodeAttribute(hash_key=True)
    at = UTCDateTimeAttribute(range_key=True)
    text = UnicodeAttribute()
    predicted = UnicodeAttribute()
    agency = UnicodeAttribute()
    by = UnicodeAttribute()


class DynamoCorrectionStore:
    """Routing corrections made by people: the labelled examples the model is rebuilt from."""

    def add(self, correction: Correction) -> None:
        CorrectionModel(correction.ticket_id, correction.at, text=correction.text, predicted=correction.predicted,
                        agency=correction.agency, by=correction.by).save()

    def all(self) -> list[Correction]:
        return [Correction(m.ticket_id, m.text, m.predicted, m.agency, m.by, m.at) for m in CorrectionModel.scan()]
