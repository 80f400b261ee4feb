"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

import django.db.models.deletion
import knotwork.core.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0005_clinic_keys'),
        ('clinics', '0008_clinic_keys'),
        ('followup', '0005_clinic_keys'),
        ('patients', '0004_clinic_keys'),
        ('portal', '0004_consent_packet'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='patientlink',
            name='check_in',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='links', to='followup.checkin'),
        ),
        migrations.AlterField(
            model_name='patientlink',
            name='intake',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.intake'),
        ),
        migrations.AlterField(
            model_name='patientlink',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='links', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='patientlink',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='patientlink',
            name='token_hash',
            field=models.CharField(db_index=True, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=models.UniqueConstraint(fields=('clinic', 'token_hash'), name='portal_patientlink_token_hash_key'),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='portal_patientlink_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='portal_patientlink_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='portal_patientlink_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=knotwork.core.models.ClinicForeignKey(field='intake', name='portal_patientlink_intake_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='patientlink',
            constraint=knotwork.core.models.ClinicForeignKey(field='check_in', name='portal_patientlink_check_in_clinic_fk'),
        ),
    ]
