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
        ('assessment', '0004_same_day_referrals'),
        ('clinics', '0008_clinic_keys'),
        ('patients', '0004_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='consentformversion',
            name='consent_version_number_unique',
        ),
        migrations.RemoveConstraint(
            model_name='diagnosis',
            name='diagnosis_code_once_per_examination',
        ),
        migrations.RemoveConstraint(
            model_name='screenoverride',
            name='one_override_per_finding',
        ),
        migrations.AlterField(
            model_name='consent',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='consent',
            name='version',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='assessment.consentformversion'),
        ),
        migrations.AlterField(
            model_name='consentform',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='consentformversion',
            name='form',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='assessment.consentform'),
        ),
        migrations.AlterField(
            model_name='consentformversion',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='diagnosis',
            name='examination',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='diagnoses', to='assessment.examination'),
        ),
        migrations.AlterField(
            model_name='diagnosis',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='diagnoses', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='diagnosis',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='examination',
            name='intake',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='examinations', to='assessment.intake'),
        ),
        migrations.AlterField(
            model_name='examination',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='examinations', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='examination',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='diagnosis',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='assessment.diagnosis'),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='examination',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='assessment.examination'),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='range_of_motion',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='assessment.rangeofmotion'),
        ),
        migrations.AlterField(
            model_name='examinationrevision',
            name='trigger_point',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='assessment.triggerpointfinding'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='intakes', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='medicalreferral',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='medical_referrals', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='medicalreferral',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='medicalreferral',
            name='screen',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='assessment.safetyscreen'),
        ),
        migrations.AlterField(
            model_name='rangeofmotion',
            name='examination',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='range_of_motion', to='assessment.examination'),
        ),
        migrations.AlterField(
            model_name='rangeofmotion',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='rangeofmotion',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='safetyscreen',
            name='intake',
            field=knotwork.core.models.ClinicOneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='screen', to='assessment.intake'),
        ),
        migrations.AlterField(
            model_name='safetyscreen',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='screens', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='safetyscreen',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='screenoverride',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='screenoverride',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='screenoverride',
            name='screen',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='overrides', to='assessment.safetyscreen'),
        ),
        migrations.AlterField(
            model_name='triggerpointfinding',
            name='examination',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='trigger_points', to='assessment.examination'),
        ),
        migrations.AlterField(
            model_name='triggerpointfinding',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='triggerpointfinding',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_consent_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_consent_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='consentform',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_consentform_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='consentform',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_consentform_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='consentformversion',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_consentformversion_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='consentformversion',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_consentformversion_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='consentformversion',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('form'), models.F('number'), name='consent_version_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='diagnosis',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_diagnosis_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='diagnosis',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_diagnosis_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='diagnosis',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('examination'), models.F('code'), condition=models.Q(('removed_at', None)), name='diagnosis_code_once_per_examination'),
        ),
        migrations.AddConstraint(
            model_name='examination',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_examination_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='examination',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_examination_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_examinationrevision_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_examinationrevision_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='intake',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_intake_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='intake',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_intake_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='medicalreferral',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_medicalreferral_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='medicalreferral',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_medicalreferral_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='rangeofmotion',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_rangeofmotion_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='rangeofmotion',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_rangeofmotion_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='safetyscreen',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_safetyscreen_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='safetyscreen',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_safetyscreen_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='safetyscreen',
            constraint=models.UniqueConstraint(fields=('clinic', 'intake'), name='assessment_safetyscreen_intake_once'),
        ),
        migrations.AddConstraint(
            model_name='screenoverride',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_screenoverride_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='screenoverride',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_screenoverride_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='screenoverride',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('screen'), models.F('rule_id'), name='one_override_per_finding'),
        ),
        migrations.AddConstraint(
            model_name='triggerpointfinding',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='assessment_triggerpointfinding_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='triggerpointfinding',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='assessment_triggerpointfinding_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_consent_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=knotwork.core.models.ClinicForeignKey(field='version', name='assessment_consent_version_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='consentformversion',
            constraint=knotwork.core.models.ClinicForeignKey(field='form', name='assessment_consentformversion_form_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='diagnosis',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_diagnosis_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='diagnosis',
            constraint=knotwork.core.models.ClinicForeignKey(field='examination', name='assessment_diagnosis_examination_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examination',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_examination_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examination',
            constraint=knotwork.core.models.ClinicForeignKey(field='intake', name='assessment_examination_intake_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='examination', name='assessment_examinationrevision_examination_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_examinationrevision_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='trigger_point', name='assessment_examinationrevision_trigger_point_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='range_of_motion', name='assessment_examinationrevision_range_of_motion_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='examinationrevision',
            constraint=knotwork.core.models.ClinicForeignKey(field='diagnosis', name='assessment_examinationrevision_diagnosis_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='intake',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_intake_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='medicalreferral',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_medicalreferral_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='medicalreferral',
            constraint=knotwork.core.models.ClinicForeignKey(field='screen', name='assessment_medicalreferral_screen_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='rangeofmotion',
            constraint=knotwork.core.models.ClinicForeignKey(field='examination', name='assessment_rangeofmotion_examination_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='rangeofmotion',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_rangeofmotion_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='safetyscreen',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_safetyscreen_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='safetyscreen',
            constraint=knotwork.core.models.ClinicForeignKey(field='intake', name='assessment_safetyscreen_intake_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='screenoverride',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_screenoverride_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='screenoverride',
            constraint=knotwork.core.models.ClinicForeignKey(field='screen', name='assessment_screenoverride_screen_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='triggerpointfinding',
            constraint=knotwork.core.models.ClinicForeignKey(field='examination', name='assessment_triggerpointfinding_examination_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='triggerpointfinding',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='assessment_triggerpointfinding_patient_clinic_fk'),
        ),
    ]
