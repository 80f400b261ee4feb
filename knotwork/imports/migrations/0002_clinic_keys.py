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
        ('clinics', '0008_clinic_keys'),
        ('imports', '0001_runs_and_rows'),
        ('patients', '0004_clinic_keys'),
        ('scheduling', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='importrow',
            name='appointment',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='scheduling.appointment'),
        ),
        migrations.AlterField(
            model_name='importrow',
            name='patient',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='importrow',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='importrow',
            name='run',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='imports.importrun'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='importrow',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='imports_importrow_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='importrow',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='imports_importrow_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='importrun',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='imports_importrun_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='importrun',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='imports_importrun_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='importrow',
            constraint=knotwork.core.models.ClinicForeignKey(field='run', name='imports_importrow_run_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='importrow',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='imports_importrow_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='importrow',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment', name='imports_importrow_appointment_clinic_fk'),
        ),
    ]
