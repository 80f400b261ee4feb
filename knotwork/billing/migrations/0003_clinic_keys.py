"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

import django.db.models.deletion
import knotwork.core.models
import uuid
from django.conf import settings
import importlib

from django.db import migrations, models


GUARD = importlib.import_module("knotwork.billing.migrations.0002_issued_invoices_never_change")


def _sqlite_guard(forward: bool):
    """SQLite remakes a table to change its keys, which drops its triggers and trips the others' (they name the
    invoice table): the guard of 0002 is taken off before and put back after, on SQLite only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in GUARD.statements("sqlite", forward=forward):
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_issued_invoices_never_change'),
        ('clinics', '0008_clinic_keys'),
        ('patients', '0004_clinic_keys'),
        ('scheduling', '0006_clinic_keys'),
        ('treatment', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_sqlite_guard(forward=False), _sqlite_guard(forward=True)),
        migrations.RemoveConstraint(
            model_name='invoicediagnosis',
            name='invoice_diagnosis_pointer_once',
        ),
        migrations.AlterField(
            model_name='billingsettings',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='feeitem',
            name='appointment_type',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.appointmenttype'),
        ),
        migrations.AlterField(
            model_name='feeitem',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='appointment',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.appointment'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='credit_for',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='session',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='invoicediagnosis',
            name='invoice',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='diagnoses', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='invoicediagnosis',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='fee_item',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.feeitem'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='invoice',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='invoiceline',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='package',
            name='fee_item',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.feeitem'),
        ),
        migrations.AlterField(
            model_name='package',
            name='invoice',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='packages_sold', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='package',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='package',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='payment',
            name='invoice',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='billing.invoice'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='package',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='uses', to='billing.package'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='practitionerbilling',
            name='practitioner',
            field=knotwork.core.models.ClinicOneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='practitionerbilling',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='billingsettings',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_billingsettings_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='billingsettings',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_billingsettings_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='feeitem',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_feeitem_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='feeitem',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_feeitem_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_invoice_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_invoice_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='invoicecounter',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_invoicecounter_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='invoicediagnosis',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_invoicediagnosis_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='invoicediagnosis',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_invoicediagnosis_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='invoicediagnosis',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('invoice'), models.F('pointer'), name='invoice_diagnosis_pointer_once'),
        ),
        migrations.AddConstraint(
            model_name='invoiceline',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_invoiceline_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='invoiceline',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_invoiceline_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_package_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_package_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_payment_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_payment_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='practitionerbilling',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='billing_practitionerbilling_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='practitionerbilling',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='billing_practitionerbilling_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='practitionerbilling',
            constraint=models.UniqueConstraint(fields=('clinic', 'practitioner'), name='billing_practitionerbilling_once'),
        ),
        migrations.AddConstraint(
            model_name='feeitem',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='billing_feeitem_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='billing_invoice_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment', name='billing_invoice_appointment_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='billing_invoice_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=knotwork.core.models.ClinicForeignKey(field='credit_for', name='billing_invoice_credit_for_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoicediagnosis',
            constraint=knotwork.core.models.ClinicForeignKey(field='invoice', name='billing_invoicediagnosis_invoice_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoiceline',
            constraint=knotwork.core.models.ClinicForeignKey(field='invoice', name='billing_invoiceline_invoice_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='invoiceline',
            constraint=knotwork.core.models.ClinicForeignKey(field='fee_item', name='billing_invoiceline_fee_item_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='billing_package_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=knotwork.core.models.ClinicForeignKey(field='fee_item', name='billing_package_fee_item_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='package',
            constraint=knotwork.core.models.ClinicForeignKey(field='invoice', name='billing_package_invoice_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='billing_payment_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=knotwork.core.models.ClinicForeignKey(field='invoice', name='billing_payment_invoice_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=knotwork.core.models.ClinicForeignKey(field='package', name='billing_payment_package_clinic_fk'),
        ),
        migrations.RunPython(_sqlite_guard(forward=True), _sqlite_guard(forward=False)),
    ]
