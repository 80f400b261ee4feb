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
        ('patients', '0004_clinic_keys'),
        ('plans', '0005_clinic_keys'),
        ('scheduling', '0005_rooms_colours_series'),
        ('treatment', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='appointmentblock',
            name='appointment_block_practitioner_once',
        ),
        migrations.RemoveConstraint(
            model_name='appointmentblock',
            name='appointment_block_patient_once',
        ),
        migrations.RemoveConstraint(
            model_name='appointmentblock',
            name='appointment_block_room_once',
        ),
        migrations.RemoveConstraint(
            model_name='calendarfeed',
            name='calendar_feed_one_open_per_practitioner',
        ),
        migrations.AlterField(
            model_name='appointment',
            name='appointment_type',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='scheduling.appointmenttype'),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='room',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='scheduling.room'),
        ),
        migrations.AlterField(
            model_name='appointment',
            name='session',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='appointmentblock',
            name='appointment',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='blocks', to='scheduling.appointment'),
        ),
        migrations.AlterField(
            model_name='appointmentblock',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='appointmentblock',
            name='room',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.room'),
        ),
        migrations.AlterField(
            model_name='appointmenttype',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='calendarfeed',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='calendarfeed',
            name='token_hash',
            field=models.CharField(db_index=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='room',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='timeoff',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='workinghours',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_appointment_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_appointment_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('practitioner'), models.F('starts_at'), name='appointment_block_practitioner_once'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('patient'), models.F('starts_at'), name='appointment_block_patient_once'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('room'), models.F('starts_at'), name='appointment_block_room_once'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_appointmentblock_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='appointmenttype',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_appointmenttype_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='appointmenttype',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_appointmenttype_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='calendarfeed',
            constraint=models.UniqueConstraint(fields=('clinic', 'token_hash'), name='scheduling_calendarfeed_token_hash_key'),
        ),
        migrations.AddConstraint(
            model_name='calendarfeed',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_calendarfeed_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='calendarfeed',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_calendarfeed_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='calendarfeed',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('practitioner'), condition=models.Q(('revoked_at__isnull', True)), name='calendar_feed_one_open_per_practitioner'),
        ),
        migrations.AddConstraint(
            model_name='room',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_room_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='room',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_room_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='timeoff',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_timeoff_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='timeoff',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_timeoff_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='workinghours',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='scheduling_workinghours_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='workinghours',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='scheduling_workinghours_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='scheduling_appointment_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='scheduling_appointment_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='scheduling_appointment_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='scheduling_appointment_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=knotwork.core.models.ClinicForeignKey(field='room', name='scheduling_appointment_room_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment', name='scheduling_appointmentblock_appointment_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='scheduling_appointmentblock_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='appointmentblock',
            constraint=knotwork.core.models.ClinicForeignKey(field='room', name='scheduling_appointmentblock_room_clinic_fk'),
        ),
    ]
