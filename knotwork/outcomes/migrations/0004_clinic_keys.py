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
        ('outcomes', '0003_imported_wording_is_checked'),
        ('patients', '0004_clinic_keys'),
        ('plans', '0005_clinic_keys'),
        ('treatment', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='questionnaireresponse',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='questionnaires', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='questionnaireresponse',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='questionnaires', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='questionnaireresponse',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='questionnaireresponse',
            name='session',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='questionnaires', to='treatment.treatmentsession'),
        ),
        migrations.AlterField(
            model_name='questionnaireresponse',
            name='wording',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="the clinic's licensed wording shown (ODI/NDI); empty when only section names were shown", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='outcomes.questionnairetext'),
        ),
        migrations.AlterField(
            model_name='questionnairetext',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='outcomes_questionnaireresponse_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='outcomes_questionnaireresponse_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnairetext',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='outcomes_questionnairetext_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnairetext',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='outcomes_questionnairetext_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='outcomes_questionnaireresponse_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=knotwork.core.models.ClinicForeignKey(field='session', name='outcomes_questionnaireresponse_session_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='outcomes_questionnaireresponse_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=knotwork.core.models.ClinicForeignKey(field='wording', name='outcomes_questionnaireresponse_wording_clinic_fk'),
        ),
    ]
