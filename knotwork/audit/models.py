"""The audit trail: django-auditlog's entry, plus the clinic and patient it concerns, who acted, and a hash chain.

Append-only: Python refuses to change or delete an entry, and on PostgreSQL a trigger refuses UPDATE, DELETE and
TRUNCATE of the table (migration 0003). Each clinic's entries form one hash chain in id order (`chain.py`), so an
entry changed or removed behind Knotwork's back is found by `manage.py verify_audit_trail`.
"""

import ipaddress

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils.translation import gettext_lazy as _

from knotwork.audit import actors, chain
from knotwork.audit.actors import ActorKind

# The columns an entry's hash covers: everything it says (its id and its own hash aside).
CHAINED_FIELDS = (
    "timestamp",
    "clinic",
    "patient",
    "action",
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "changes_text",
    "changes",
    "additional_data",
    "actor",
    "actor_email",
    "actor_kind",
    "actor_label",
    "actor_ref",
    "cid",
    "remote_addr",
    "remote_port",
)


def lock_chain(clinic_id: int | None, using: str = "default") -> None:
    """Wait for the clinic's audit chain until this transaction ends (PostgreSQL; SQLite writes one at a time).

    A service that also locks a row of the clinic (the chart-number counter) takes this lock first, so every
    writer takes the two in the same order and none deadlocks against another.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_CLASS, (clinic_id or 0) % 2**31])


# pg_advisory_xact_lock's first key: "KW". The second is the clinic, so clinics never wait for each other.
CHAIN_LOCK_CLASS = 0x4B57


def content_of(entry) -> dict:
    """The chained columns of an entry as they read back from the database (usable on a migration's model too)."""
    content = {}
    for name in CHAINED_FIELDS:
        field = entry._meta.get_field(name)
        value = getattr(entry, field.attname)
        content[name] = None if value is None else field.to_python(value)
    return content


def _address_or_none(value) -> str | None:
    """An IP address as the database gives it back (an empty or malformed one is no address, not a false alarm)."""
    try:
        return str(ipaddress.ip_address(str(value).strip())) if value is not None else None
    except ValueError:
        return None


def clinic_id_for(instance) -> int | None:
    if instance._meta.label_lower == "clinics.clinic":
        return instance.pk
    return getattr(instance, "clinic_id", None)


def patient_id_for(instance) -> int | None:
    # By label: the patients app is on a higher floor than the audit trail.
    if instance._meta.label_lower == "patients.patient":
        return instance.pk
    return getattr(instance, "patient_id", None)


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("clinic_id", clinic_id_for(instance))
        kwargs.setdefault("patient_id", patient_id_for(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        """Insert new entries in one query, each chained after the one before it."""
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            for entry in objs:
                entry.fill_from_context()
            self.chain(objs)
            return super().bulk_create(objs, *args, **kwargs)

    def chain(self, entries: list["AuditEntry"]) -> None:
        """Give each new entry its place in its clinic's chain; call inside the transaction that inserts them.

        The chain follows id order. On PostgreSQL a transaction-scoped advisory lock per clinic makes a second
        writer wait until the first commits, so it reads the head the first one wrote and takes a later id. On
        SQLite a write transaction begins IMMEDIATE (settings), which already lets one writer in at a time.
        """
        clinics = sorted({entry.clinic_id for entry in entries}, key=lambda c: -1 if c is None else c)
        for clinic_id in clinics:
            lock_chain(clinic_id, using=self.db)
        heads = {}
        for entry in entries:
            if entry.clinic_id not in heads:
                heads[entry.clinic_id] = self.chain_head(entry.clinic_id)
            entry.prev_hash = heads[entry.clinic_id]
            entry.entry_hash = chain.entry_hash(entry.prev_hash, content_of(entry))
            heads[entry.clinic_id] = entry.entry_hash

    def chain_head(self, clinic_id: int | None) -> str:
        """The hash of the clinic's last entry. Written as SQL: it runs before every entry, and building the same ORM
        query each time cost more than running it (`audit_chain_head_idx` serves it)."""
        connection = connections[self.db]
        quote, meta = connection.ops.quote_name, self.model._meta
        clinic = quote(meta.get_field("clinic").column)
        where, params = (f"{clinic} IS NULL", []) if clinic_id is None else (f"{clinic} = %s", [clinic_id])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(meta.get_field('entry_hash').column)} FROM {quote(meta.db_table)} "  # noqa: S608 (names from the model)
                f"WHERE {where} ORDER BY {quote(meta.pk.column)} DESC LIMIT 1",
                params,
            )
            row = cursor.fetchone()
        return (row[0] if row else "") or chain.GENESIS


class AppendOnlyError(Exception):
    pass


class AuditEntry(AbstractLogEntry):
    class Action(AbstractLogEntry.Action):
        EXPORT = 4  # records left the system (a CSV of the trail, an export of a patient's record)

        choices = (*AbstractLogEntry.Action.choices, (EXPORT, _("export")))

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    action = models.PositiveSmallIntegerField(choices=Action.choices, verbose_name=_("action"), db_index=True)
    # PROTECT, not auditlog's SET_NULL: blanking the actor would rewrite history (and break the chain).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices, blank=True, default="")
    actor_label = models.CharField(
        max_length=200, blank=True, default="", help_text="Who acted, in words: an email, “patient link (care)”…"
    )
    actor_ref = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Which patient link or API key acted: its number, never a token.",
    )
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            # the trail's pages: newest first by (timestamp, id) within the clinic (knotwork.core.pagination)
            models.Index(fields=["clinic", "-timestamp", "-id"], name="audit_clinic_page_idx"),
            models.Index(fields=["clinic", "-id"], name="audit_chain_head_idx"),
        ]

    def save(self, *args, **kwargs):
        # The trail is evidence: an entry, once written, is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            self.fill_from_context()
            type(self).objects.db_manager(using).chain([self])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def fill_from_context(self) -> None:
        """Name the actor and the client address from the context when the writer did not."""
        request = actors.current_request()
        if self.remote_addr is None:
            self.remote_addr = request.remote_addr
        self.remote_addr = _address_or_none(self.remote_addr)
        if self.remote_port is None:
            self.remote_port = request.remote_port
        if self.actor_kind:
            return
        fields = actors.describe(self.actor) if self.actor_id is not None else actors.implicit_actor()
        for name, value in fields.as_entry_fields().items():
            if name != "actor" or value is not None:
                setattr(self, name, value)

    @property
    def action_name(self) -> str:
        return {0: "created", 1: "changed", 2: "deleted", 3: "viewed", 4: "exported"}.get(self.action, "logged")

    @property
    def shown_in(self) -> str:
        data = self.additional_data if isinstance(self.additional_data, dict) else {}
        return str(data.get("shown_in", ""))
