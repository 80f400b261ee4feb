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
        ('plans', '0005_clinic_keys'),
        ('treatment', '0005_override_cause_and_needle_depth'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='hold',
            name='hold_number_unique_per_point',
        ),
        migrations.RemoveConstraint(
            model_name='hold',
            name='hold_client_id_unique_per_point',
        ),
        migrations.RemoveConstraint(
            model_name='noterevision',
            name='note_revision_number_unique',
        ),
        migrations.RemoveConstraint(
            model_name='sessionoverride',
            name='one_override_per_technique',
        ),
        migrations.AlterField(
            model_name='clinicalnote',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='clinicalnote',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='clinicalnote',
            name='session',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='note', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='hold',
            name='point',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='holds', to='treatment.sessionpoint'),
        ),
        migrations.AlterField(
            model_name='hold',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='needleentry',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='needleentry',
            name='session',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='needling', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='noterevision',
            name='note',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='treatment.clinicalnote'),
        ),
        migrations.AlterField(
            model_name='noterevision',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='noterevision',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='sessionoverride',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='sessionoverride',
            name='session',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='overrides', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='sessionpoint',
            name='finding',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.triggerpointfinding'),
        ),
        migrations.AlterField(
            model_name='sessionpoint',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='sessionpoint',
            name='session',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='points', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='techniqueentry',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='techniqueentry',
            name='session',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='techniques', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='treatmentsession',
            name='examination',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='assessment.examination'),
        ),
        migrations.AlterField(
            model_name='treatmentsession',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='treatmentsession',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="the course this session belongs to (the patient's active plan when it started)", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='treatmentsession',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='clinicalnote',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_clinicalnote_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='clinicalnote',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_clinicalnote_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='hold',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_hold_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='hold',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_hold_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='hold',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('point'), models.F('number'), name='hold_number_unique_per_point'),
        ),
        migrations.AddConstraint(
            model_name='hold',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('point'), models.F('client_id'), name='hold_client_id_unique_per_point'),
        ),
        migrations.AddConstraint(
            model_name='needleentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_needleentry_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='needleentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_needleentry_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='noterevision',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_noterevision_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='noterevision',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_noterevision_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='noterevision',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('note'), models.F('number'), name='note_revision_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='sessionoverride',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_sessionoverride_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='sessionoverride',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_sessionoverride_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='sessionoverride',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('session'), models.F('technique'), name='one_override_per_technique'),
        ),
        migrations.AddConstraint(
            model_name='sessionpoint',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_sessionpoint_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='sessionpoint',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_sessionpoint_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='techniqueentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_techniqueentry_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='techniqueentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_techniqueentry_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='treatment_treatmentsession_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='treatment_treatmentsession_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='clinicalnote',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='treatment_clinicalnote_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='clinicalnote',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='treatment_clinicalnote_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='hold',
            constraint=knotwork.core.models.ClinicForeignKey(field='point', name='treatment_hold_point_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='needleentry',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='treatment_needleentry_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='noterevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='note', name='treatment_noterevision_note_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='noterevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='treatment_noterevision_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='sessionoverride',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='treatment_sessionoverride_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='sessionpoint',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='treatment_sessionpoint_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='sessionpoint',
            constraint=knotwork.core.models.ClinicForeignKey(field='finding', name='treatment_sessionpoint_finding_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='techniqueentry',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='treatment_techniqueentry_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='treatment_treatmentsession_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=knotwork.core.models.ClinicForeignKey(field='examination', name='treatment_treatmentsession_examination_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='treatment_treatmentsession_plan_clinic_fk'),
        ),
    ]
