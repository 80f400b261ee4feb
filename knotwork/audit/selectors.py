import dataclasses
import datetime

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.audit import chain
from knotwork.audit.models import AuditEntry, content_of
from knotwork.core.models import clinic_id_of
from knotwork.core.replica import read_alias


def list_audit_entries(
    user,
    *,
    actor_id: int | None = None,
    actor_kind: str = "",
    action: int | None = None,
    record_type: str = "",
    patient_public_id=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The clinic's audit trail, newest first, narrowed by the owner's filters."""
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(clinic_id=clinic_id).select_related("actor", "content_type", "patient")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if actor_kind:
        entries = entries.filter(actor_kind=actor_kind)
    if action is not None:
        entries = entries.filter(action=action)
    if record_type:
        entries = entries.filter(content_type__model=record_type)
    if patient_public_id is not None:
        entries = entries.filter(patient__public_id=patient_public_id)
    if since is not None:
        entries = entries.filter(timestamp__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(timestamp__lt=_start_of(until + datetime.timedelta(days=1)))
    return entries.order_by("-timestamp", "-pk")


def entries_for_export(user, *, since: datetime.date, until: datetime.date) -> QuerySet[AuditEntry]:
    """The clinic's entries from the start of `since` to the end of `until` (clinic time), in the order written."""
    return list_audit_entries(user, since=since, until=until).order_by("pk").using(read_alias())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    clinic_id: int | None
    timestamp: datetime.datetime
    reason: str


@dataclasses.dataclass(frozen=True)
class ChainReport:
    entries: int
    # Per clinic (None: entries of no clinic): the id and hash of its last entry, to note down and compare later.
    heads: dict[int | None, tuple[int, str]]
    first_break: ChainBreak | None


def verify_chain() -> ChainReport:
    """Recompute every entry's hash in id order, per clinic chain; stop at the first entry that does not match."""
    heads: dict[int | None, tuple[int, str]] = {}
    count = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        count += 1
        expected_previous = heads.get(entry.clinic_id, (0, chain.GENESIS))[1]
        reason = ""
        if entry.prev_hash != expected_previous:
            reason = (
                "it does not follow the entry before it in its chain: an entry before it was removed, "
                "or the chain was rewritten from here"
            )
        elif entry.entry_hash != chain.entry_hash(entry.prev_hash, content_of(entry)):
            reason = "its content no longer matches its hash: it was changed after it was written"
        if reason:
            return ChainReport(
                entries=count,
                heads=heads,
                first_break=ChainBreak(
                    entry_id=entry.pk, clinic_id=entry.clinic_id, timestamp=entry.timestamp, reason=reason
                ),
            )
        heads[entry.clinic_id] = (entry.pk, entry.entry_hash)
    return ChainReport(entries=count, heads=heads, first_break=None)
