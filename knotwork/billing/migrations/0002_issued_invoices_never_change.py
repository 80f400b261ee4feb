"""The database itself keeps an issued invoice as it was issued, on SQLite and on PostgreSQL.

The services refuse first (`knotwork.billing.services.invoices`); these triggers hold for a queryset's update(),
raw SQL and another program with the same credentials:
- an issued invoice's content never changes; its only change is to void (status, voided_at, void_reason);
  a void invoice never changes; neither is deleted;
- the lines and diagnoses of an invoice that is not a draft are never added, changed or removed;
- a payment or refund is never changed or deleted (a mistake is put right by a refund or a new payment).
The tests build tables without migrations; `knotwork/billing/tests/test_guard.py` installs these to test them.
"""

from django.db import migrations

# Columns an issued invoice keeps: everything it says, apart from the void fields and updated_at.
FROZEN = (
    "clinic_id",
    "public_id",
    "patient_id",
    "kind",
    "number",
    "sequence",
    "payer",
    "currency",
    "practitioner_id",
    "appointment_id",
    "session_id",
    "credit_for_id",
    "service_date",
    "issue_date",
    "issued_at",
    "issued_by_id",
    "notes",
    "subtotal",
    "tax",
    "total",
)
INVOICE_MESSAGE = "An issued invoice never changes: correct it with a credit note, or void it."
CHILD_MESSAGE = "The lines and diagnoses of an issued invoice never change: correct it with a credit note."
PAYMENT_MESSAGE = "A recorded payment never changes: record a refund or a new payment instead."
CHILD_TABLES = ("billing_invoiceline", "billing_invoicediagnosis")


def _changed(same: str) -> str:
    return " OR ".join(f"NOT (NEW.{c} {same} OLD.{c})" for c in FROZEN)


SQLITE_FORWARD = [
    f"""CREATE TRIGGER billing_invoice_issued_frozen BEFORE UPDATE ON billing_invoice
    WHEN OLD.status = 'void' OR (OLD.status = 'issued' AND (NEW.status NOT IN ('issued', 'void') OR {_changed("IS")}))
    BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE}'); END""",
    f"""CREATE TRIGGER billing_invoice_issued_kept BEFORE DELETE ON billing_invoice WHEN OLD.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE}'); END""",
    *[
        f"""CREATE TRIGGER {table}_{op.lower()}_frozen BEFORE {op} ON {table}
        WHEN (SELECT status FROM billing_invoice WHERE id = {row}.invoice_id) <> 'draft'
        BEGIN SELECT RAISE(ABORT, '{CHILD_MESSAGE}'); END"""
        for table in CHILD_TABLES
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ],
    f"""CREATE TRIGGER billing_payment_no_update BEFORE UPDATE ON billing_payment
    BEGIN SELECT RAISE(ABORT, '{PAYMENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER billing_payment_no_delete BEFORE DELETE ON billing_payment
    BEGIN SELECT RAISE(ABORT, '{PAYMENT_MESSAGE}'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS billing_invoice_issued_frozen",
    "DROP TRIGGER IF EXISTS billing_invoice_issued_kept",
    *[f"DROP TRIGGER IF EXISTS {t}_{op}_frozen" for t in CHILD_TABLES for op in ("insert", "update", "delete")],
    "DROP TRIGGER IF EXISTS billing_payment_no_update",
    "DROP TRIGGER IF EXISTS billing_payment_no_delete",
]

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION knotwork_billing_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION '{INVOICE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'void' OR (OLD.status = 'issued' AND (NEW.status NOT IN ('issued', 'void')
            OR {_changed("IS NOT DISTINCT FROM")})) THEN
        RAISE EXCEPTION '{INVOICE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$""",
    """CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION knotwork_billing_invoice_frozen()""",
    f"""CREATE OR REPLACE FUNCTION knotwork_billing_child_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parent_status text;
BEGIN
    SELECT status INTO parent_status FROM billing_invoice
        WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END);
    IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
        RAISE EXCEPTION '{CHILD_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$""",
    *[
        f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION knotwork_billing_child_frozen()"""
        for table in CHILD_TABLES
    ],
    f"""CREATE OR REPLACE FUNCTION knotwork_billing_payment_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{PAYMENT_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$""",
    """CREATE TRIGGER billing_payment_kept BEFORE UPDATE OR DELETE ON billing_payment
    FOR EACH ROW EXECUTE FUNCTION knotwork_billing_payment_kept()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS billing_payment_kept ON billing_payment",
    *[f"DROP TRIGGER IF EXISTS {t}_frozen ON {t}" for t in CHILD_TABLES],
    "DROP TRIGGER IF EXISTS billing_invoice_frozen ON billing_invoice",
    "DROP FUNCTION IF EXISTS knotwork_billing_payment_kept()",
    "DROP FUNCTION IF EXISTS knotwork_billing_child_frozen()",
    "DROP FUNCTION IF EXISTS knotwork_billing_invoice_frozen()",
]


def statements(vendor: str, *, forward: bool = True) -> list[str]:
    """The guard's SQL for a database vendor (also used by the tests, which build tables without migrations)."""
    if vendor == "postgresql":
        return POSTGRES_FORWARD if forward else POSTGRES_BACKWARD
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_BACKWARD
    return []


def install(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_fees_invoices_payments")]

    operations = [migrations.RunPython(install, remove)]
