"""DynamoDB through PynamoDB: tickets, the poller's checkpoints and routing corrections.

Every read and write of Kemala's own tables is in this module. Tickets carry a version
attribute, so two writers racing on one ticket cannot silently overwrite each other. Saving a
ticket read earlier sends only the attributes that changed (UpdateItem SET/REMOVE, conditional on
the version read), not the whole item. Two indexes serve the workspace: `queue` (sparse: only
open tickets carry `open_agency`; sorted by the next deadline) and `month` (tickets by the WIB
month they were received, for the overview, the monthly report and Open311), each projecting
only what its readers use.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

from pynamodb.attributes import (
    JSONAttribute,
    UnicodeSetAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.adapters.clients import new_session
from chalicelib.domain.followups import FollowUp
from chalicelib.domain.incidents import OpenIncident
from chalicelib.domain.messages import WIB
from chalicelib.domain.sla import Deadlines
from chalicelib.domain.tickets import (
    FINISHED, AlertStart, Classification, Correction, Delivery, Escalation, HistoryEntry, MessageKind, Privacy, Status, Ticket,
)
from chalicelib.services.ports import Ban, ConcurrentUpdateError, QueueItem, TicketNotFoundError
from chalicelib.settings import Tables


def _is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class QueueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "queue"
        projection = IncludeProjection(["status", "received_at", "channel", "text", "classification"])

    open_agency = UnicodeAttribute(hash_key=True)
    due = UnicodeAttribute(range_key=True)


class MonthIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "month"
        projection = IncludeProjection(["status", "agency", "channel", "text", "classification", "history",
                                        "escalations", "latest_answer", "resolution_note", "incident", "hold"])

    month = UnicodeAttribute(hash_key=True)
    received_at = UTCDateTimeAttribute(range_key=True)


class TicketModel(Model):
    class Meta:
        table_name = "bound by use_tables()"

    queue = QueueIndex()
    by_month = MonthIndex()
    open_agency = UnicodeAttribute(null=True)  # the holding agency while the ticket is open; absent once finished
    due = UnicodeAttribute(null=True)  # the running clock's deadline (response until responded, then resolution)
    month = UnicodeAttribute(null=True)  # YYYY-MM (WIB) of received_at

    ticket_id = UnicodeAttribute(hash_key=True)
    channel = UnicodeAttribute()
    source_id = UnicodeAttribute()
    text = UnicodeAttribute()
    author = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    privacy = UnicodeAttribute(null=True)
    regency = UnicodeAttribute(null=True)
    kecamatan = UnicodeAttribute(null=True)
    photo = UnicodeAttribute(null=True)
    incident = UnicodeAttribute(null=True)
    hold = UnicodeAttribute(null=True)
    follow_ups = JSONAttribute(default=list)
    agency = UnicodeAttribute(null=True)
    copy_region = UnicodeAttribute(null=True)
    classification = JSONAttribute(null=True)
    deadlines = JSONAttribute(null=True)
    notified_at = UTCDateTimeAttribute(null=True)
    acknowledged_at = UTCDateTimeAttribute(null=True)
    answered_at = UTCDateTimeAttribute(null=True)
    resolved_at = UTCDateTimeAttribute(null=True)
    latest_answer = UnicodeAttribute(null=True)
    resolution_note = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    escalations = JSONAttribute(default=list)
    deliveries = JSONAttribute(default=dict)
    alerts = JSONAttribute(default=dict)  # alert key -> {"at", "parts"}: alerts whose sending began
    assignments = NumberAttribute(default=0)
    history = JSONAttribute(default=list)
    version = VersionAttribute()


class CheckpointModel(Model):
    class Meta:
        table_name = "bound by use_tables()"

    stream = UnicodeAttribute(hash_key=True)
    cursor = UnicodeAttribute(null=True)  # the channel's opaque cursor (X: checkpoint and drain in progress)
    since_id = NumberAttribute(null=True)  # the checkpoint as written before cursors, read if no cursor
    counter = NumberAttribute(null=True)
    members = UnicodeSetAttribute(null=True)  # what a rate-limit window counted (message ids)
    expires_at = NumberAttribute(null=True)  # epoch seconds: DynamoDB's TTL removes the item after it
    updated_at = UTCDateTimeAttribute(null=True)


class ReceiptModel(Model):
    """AWS's confirmation that one part of one alert went out (`RECEIPT#<ticket>#<part>:<alert key>`),
    kept beside the poll checkpoints: small items, written once each, read only when a step retries."""

    class Meta:
        table_name = "bound by use_tables()"

    key = UnicodeAttribute(hash_key=True, attr_name="stream")
    received_at = UTCDateTimeAttribute()


def use_tables(tables: Tables) -> None:
    """Point the models at this stage's tables (before their first request), all on one botocore session
    of their own: PynamoDB would build a session per model, about 15 ms of a cold start apiece. The
    session is the calling thread's (PynamoDB keeps one per thread, as botocore creates clients safely
    in one thread at a time); another thread still gets PynamoDB's own."""
    shared = new_session()
    for model, name in ((TicketModel, tables.tickets), (CheckpointModel, tables.checkpoints),
                        (ReceiptModel, tables.checkpoints),
                        (CorrectionModel, tables.corrections), (PlaceModel, tables.incidents),
                        (IncidentModel, tables.incidents), (BanModel, tables.bans)):
        model.Meta.table_name = name  # PynamoDB reconnects when the name changes
        model._get_connection().connection._local.session = shared  # PynamoDB has no public setter


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _to_model(ticket: Ticket) -> TicketModel:
    c, d = ticket.classification, ticket.deadlines
    model = TicketModel(
        ticket.ticket_id,
        channel=ticket.channel, source_id=ticket.source_id, text=ticket.text, author=ticket.author,
        received_at=ticket.received_at, status=ticket.status.value, privacy=ticket.privacy.value,
        regency=ticket.regency, kecamatan=ticket.kecamatan, photo=ticket.photo, incident=ticket.incident,
        hold=ticket.hold, follow_ups=[{**asdict(f), "at": f.at.isoformat()} for f in ticket.follow_ups],
        agency=ticket.agency, copy_region=ticket.copy_region,
        classification=None if c is None else {
            "agency": c.agency, "region": c.region, "urgency": c.urgency,
            "confidence": c.confidence, "evidence": c.evidence,
        },
        deadlines=None if d is None else {"response_due": d.response_due.isoformat(),
                                          "resolution_due": d.resolution_due.isoformat(),
                                          "ladder_seconds": d.ladder.total_seconds()},
        notified_at=ticket.notified_at, acknowledged_at=ticket.acknowledged_at, answered_at=ticket.answered_at,
        resolved_at=ticket.resolved_at, latest_answer=ticket.latest_answer,
        resolution_note=ticket.resolution_note,
        task_token=ticket.task_token,
        escalations=[{"level": e.level, "clock": e.clock, "agency": e.agency, "at": e.at.isoformat()}
                     for e in ticket.escalations],
        deliveries={key: {"kind": d.kind.value, "text": d.text, "agency": d.agency, "post_ids": d.post_ids,
                          "pending": d.pending, "sent": d.sent, "failed": d.failed}
                    for key, d in ticket.deliveries.items()},
        history=[{"at": h.at.isoformat(), "status": h.status.value, "actor": h.actor, "note": h.note,
                  "agency": h.agency} for h in ticket.history],
        alerts={key: {"at": a.at.isoformat(), "parts": list(a.parts)} for key, a in ticket.alerts.items()},
        assignments=ticket.assignments,
        month=month_of(ticket.received_at),
    )
    if ticket.agency and d is not None and ticket.status not in FINISHED:
        model.open_agency = ticket.agency
        model.due = (d.resolution_due if ticket.responded else d.response_due).isoformat()
    if ticket.version is not None:
        model.version = ticket.version
    return model


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(WIB):%Y-%m}"


def _classification(value: dict | None) -> Classification | None:
    return None if value is None else Classification(**value)


def _history(model: TicketModel) -> list[HistoryEntry]:
    return [HistoryEntry(_time(h["at"]), Status(h["status"]), h["actor"], h["note"], h["agency"]) for h in model.history]


def _escalations(model: TicketModel) -> list[Escalation]:
    return [Escalation(e["level"], e["clock"], e["agency"], _time(e["at"])) for e in model.escalations]


def _to_ticket(model: TicketModel) -> Ticket:
    c, d = model.classification, model.deadlines
    return Ticket(
        ticket_id=model.ticket_id, channel=model.channel, source_id=model.source_id, text=model.text,
        author=model.author, received_at=model.received_at, status=Status(model.status),
        privacy=Privacy(model.privacy or Privacy.PUBLIC.value), regency=model.regency, kecamatan=model.kecamatan,
        photo=model.photo, incident=model.incident, hold=model.hold,
        follow_ups=[FollowUp(**{**f, "at": _time(f["at"])}) for f in model.follow_ups or []],
        classification=_classification(c), agency=model.agency, copy_region=model.copy_region,
        deadlines=None if d is None else Deadlines(_time(d["response_due"]), _time(d["resolution_due"]),
                                                   timedelta(seconds=d["ladder_seconds"])),
        notified_at=model.notified_at, acknowledged_at=model.acknowledged_at, answered_at=model.answered_at,
        resolved_at=model.resolved_at, latest_answer=model.latest_answer, resolution_note=model.resolution_note,
        task_token=model.task_token,
        escalations=_escalations(model),
        deliveries={key: Delivery(MessageKind(v["kind"]), v["text"], v["agency"], list(v["post_ids"]), v["pending"],
                                  v["sent"], v["failed"]) for key, v in model.deliveries.items()},
        history=_history(model), version=model.version,
        alerts={key: AlertStart(_time(a["at"]), tuple(a["parts"])) for key, a in (model.alerts or {}).items()},
        assignments=int(model.assignments or 0),
    )


_SNAPSHOTS = 256  # tickets read by one container and not yet saved: a few in a task, more in the API


class DynamoTicketRepository:
    """Tickets in DynamoDB; `add` is the idempotent create that makes intake exactly-once."""

    def __init__(self) -> None:
        # (ticket id, version) -> the stored attributes, so that a save can send only what changed.
        self._stored: OrderedDict[tuple[str, int | None], dict] = OrderedDict()

    def _remember(self, model: TicketModel) -> None:
        self._stored[(model.ticket_id, model.version)] = model.serialize()
        while len(self._stored) > _SNAPSHOTS:
            self._stored.popitem(last=False)

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
        self._remember(model)
        return True

    def get(self, ticket_id: str) -> Ticket:
        try:
            model = TicketModel.get(ticket_id, consistent_read=True)
        except DoesNotExist:
            raise TicketNotFoundError(ticket_id) from None
        self._remember(model)
        return _to_ticket(model)

    def save(self, ticket: Ticket) -> None:
        """Write back a ticket read earlier; fails if someone else wrote it in between. Only the
        attributes that changed are sent; a ticket this repository did not read is put whole."""
        model = _to_model(ticket)
        stored = self._stored.pop((ticket.ticket_id, ticket.version), None)
        try:
            if stored is None:
                model.save()
            else:
                current = model.serialize()
                actions = [getattr(TicketModel, name).set(getattr(model, name))
                           for name, value in current.items() if name != "version" and stored.get(name) != value]
                actions += [getattr(TicketModel, name).remove() for name in stored.keys() - current.keys()]
                if not actions:
                    self._remember(model)
                    return
                model.update(actions=actions)  # adds `version = <read>` to the condition and increments it
        except (PutError, UpdateError) as error:
            if _is_condition_failure(error):
                raise ConcurrentUpdateError(ticket.ticket_id) from error
            raise
        ticket.version = model.version
        self._remember(model)

    def scan_all(self) -> list[Ticket]:
        return [_to_ticket(model) for model in TicketModel.scan()]


class DynamoTicketQueries:
    """The workspace's reads, each one Query on an index."""

    def open_for(self, agency: str) -> list[QueueItem]:
        items = []
        for m in TicketModel.queue.query(agency):
            c = m.classification or {}
            items.append(QueueItem(m.ticket_id, agency, m.status, _time(m.due), m.received_at, m.channel,
                                   c.get("urgency", "NORMAL"), c.get("region"), m.text))
        return items

    def received_in(self, month: str) -> list[Ticket]:
        return [Ticket(ticket_id=m.ticket_id, channel=m.channel, source_id="", text=m.text, received_at=m.received_at,
                       status=Status(m.status), classification=_classification(m.classification), agency=m.agency,
                       latest_answer=m.latest_answer, resolution_note=m.resolution_note, incident=m.incident,
                       hold=m.hold, escalations=_escalations(m), history=_history(m))
                for m in TicketModel.by_month.query(month)]


class DynamoCheckpointStore:
    """Where each poll stream stopped: the channel's cursor, an opaque string.

    A plain put: every cursor a poll writes describes what that poll did receive and ingest, so even a
    stale poller overwriting a newer cursor makes the next poll fetch again (deduplicated by intake),
    never skip. Polls run one at a time anyway (poll_x has a reserved concurrency of 1)."""

    def get(self, stream: str) -> str | None:
        try:
            item = CheckpointModel.get(stream, consistent_read=True)
        except DoesNotExist:
            return None
        return item.cursor or (str(int(item.since_id)) if item.since_id is not None else None)

    def put(self, stream: str, cursor: str) -> None:
        CheckpointModel(stream, cursor=cursor, updated_at=datetime.now(timezone.utc)).save()

    def take_number(self, counter: str) -> int:
        """An atomic ADD: concurrent callers never get the same number."""
        item = CheckpointModel(counter)
        item.update(actions=[CheckpointModel.counter.add(1)])
        return int(item.counter) - 1

    def count_once(self, counter: str, member: str, expires_at: datetime) -> int:
        """An atomic, idempotent ADD to a string set: the set's size after it."""
        item = CheckpointModel(counter)
        item.update(actions=[CheckpointModel.members.add({member}),
                             CheckpointModel.expires_at.set(int(expires_at.timestamp()))])
        return len(item.members or ())


class DynamoReceiptStore:
    """Receipts of alerts: a plain put each (SNS and SES may deliver one twice; the second changes nothing)."""

    def add(self, ticket_id: str, receipt: str) -> None:
        ReceiptModel(f"RECEIPT#{ticket_id}#{receipt}", received_at=datetime.now(timezone.utc)).save()

    def confirmed(self, ticket_id: str, receipts: list[str]) -> set[str]:
        keys = [f"RECEIPT#{ticket_id}#{receipt}" for receipt in receipts]
        found = {item.key for item in ReceiptModel.batch_get(keys, consistent_read=True)}
        return {receipt for receipt, key in zip(receipts, keys) if key in found}


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


class PlaceModel(Model):
    """The open incidents of one place (`PLACE#<agency>#<regency>`), rewritten under optimistic locking."""

    class Meta:
        table_name = "bound by use_tables()"

    key = UnicodeAttribute(hash_key=True)
    incidents = JSONAttribute(default=list)
    version = VersionAttribute()


class IncidentModel(Model):
    """One incident's reports (`INC...`): a string set, so adding a report is one atomic, idempotent ADD."""

    class Meta:
        table_name = "bound by use_tables()"

    key = UnicodeAttribute(hash_key=True)
    reports = UnicodeSetAttribute(null=True)


class DynamoIncidentStore:
    def open_incidents(self, place: str) -> tuple[list[OpenIncident], int | None]:
        try:
            model = PlaceModel.get(f"PLACE#{place}", consistent_read=True)
        except DoesNotExist:
            return [], None
        return [OpenIncident(i["id"], _time(i["opened_at"]), i["kecamatan"], frozenset(i["words"]))
                for i in model.incidents], model.version

    def save_open(self, place: str, incidents: list[OpenIncident], version: int | None) -> None:
        model = PlaceModel(f"PLACE#{place}", incidents=[
            {"id": i.incident_id, "opened_at": i.opened_at.isoformat(), "kecamatan": i.kecamatan,
             "words": sorted(i.words)} for i in incidents])
        if version is not None:
            model.version = version
        try:
            model.save()
        except PutError as error:
            if _is_condition_failure(error):
                raise ConcurrentUpdateError(place) from error
            raise

    def add_report(self, incident_id: str, ticket_id: str) -> None:
        IncidentModel(incident_id).update(actions=[IncidentModel.reports.add({ticket_id})])

    def remove_report(self, incident_id: str, ticket_id: str) -> None:
        IncidentModel(incident_id).update(actions=[IncidentModel.reports.delete({ticket_id})])

    def reports(self, incident_id: str) -> set[str]:
        try:
            return set(IncidentModel.get(incident_id, consistent_read=True).reports or ())
        except DoesNotExist:
            return set()


class BanModel(Model):
    """One banned sender: an X handle in lower case, a phone number in E.164 or an e-mail address."""

    class Meta:
        table_name = "bound by use_tables()"

    kind = UnicodeAttribute(hash_key=True)
    address = UnicodeAttribute(range_key=True)
    reason = UnicodeAttribute()
    by = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class DynamoBanList:
    """The ban list administrators manage: one item per banned sender, read by key, listed per kind."""

    def is_banned(self, kind: str, address: str) -> bool:
        try:
            BanModel.get(kind, address)
        except DoesNotExist:
            return False
        return True

    def ban(self, ban: Ban) -> None:
        BanModel(ban.kind, ban.address, reason=ban.reason, by=ban.by, at=ban.at).save()

    def unban(self, kind: str, address: str) -> None:
        BanModel(kind, address).delete()

    def bans(self, kinds: tuple[str, ...]) -> list[Ban]:
        return [Ban(m.kind, m.address, m.reason, m.by, m.at) for kind in kinds for m in BanModel.query(kind)]
