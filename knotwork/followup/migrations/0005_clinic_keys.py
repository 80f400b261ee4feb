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
        ('followup', '0004_open_check_in_and_flag_indexes'),
        ('outcomes', '0004_clinic_keys'),
        ('patients', '0004_clinic_keys'),
        ('plans', '0005_clinic_keys'),
        ('treatment', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='checkin',
            name='one_check_in_per_session_and_hour',
        ),
        migrations.RemoveConstraint(
            model_name='diaryentry',
            name='one_diary_line_per_day',
        ),
        migrations.AlterField(
            model_name='checkin',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='session',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='diaryentry',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='diary', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='diaryentry',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='flag',
            name='check_in',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='followup.checkin'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='questionnairerequest',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='questionnaire_requests', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='questionnairerequest',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='questionnairerequest',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='questionnairerequest',
            name='response',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='outcomes.questionnaireresponse'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='followup_checkin_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='followup_checkin_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('session'), models.F('hours_after'), name='one_check_in_per_session_and_hour'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='followup_diaryentry_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='followup_diaryentry_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('patient'), models.F('recorded_on'), name='one_diary_line_per_day'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='followup_flag_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='followup_flag_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnairerequest',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='followup_questionnairerequest_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnairerequest',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='followup_questionnairerequest_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='followup_checkin_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='followup_checkin_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='followup_checkin_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='followup_diaryentry_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='followup_flag_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=knotwork.core.models.ClinicForeignKey(field='check_in', name='followup_flag_check_in_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='followup_flag_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnairerequest',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='followup_questionnairerequest_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnairerequest',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='followup_questionnairerequest_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnairerequest',
            constraint=knotwork.core.models.ClinicForeignKey(field='response', name='followup_questionnairerequest_response_clinic_fk'),
        ),
    ]
