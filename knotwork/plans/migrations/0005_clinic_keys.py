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
        ('patients', '0004_clinic_keys'),
        ('plans', '0004_active_plan_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='goal',
            name='plan',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='goals', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='goal',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='homeexercise',
            name='plan',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='home_program', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='homeexercise',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='treatmentplan',
            name='diagnosis',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='assessment.diagnosis'),
        ),
        migrations.AlterField(
            model_name='treatmentplan',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='treatmentplan',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='plans_goal_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='plans_goal_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='homeexercise',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='plans_homeexercise_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='homeexercise',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='plans_homeexercise_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='treatmentplan',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='plans_treatmentplan_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='treatmentplan',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='plans_treatmentplan_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='plans_goal_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='homeexercise',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='plans_homeexercise_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='treatmentplan',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='plans_treatmentplan_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='treatmentplan',
            constraint=knotwork.core.models.ClinicForeignKey(field='diagnosis', name='plans_treatmentplan_diagnosis_clinic_fk'),
        ),
    ]
