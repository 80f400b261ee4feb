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
        ('documents', '0002_clinic_keys'),
        ('letters', '0001_letters_and_templates'),
        ('patients', '0004_clinic_keys'),
        ('plans', '0005_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='letter',
            name='document',
            field=knotwork.core.models.ClinicOneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='letter', to='documents.document'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='plans.treatmentplan'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='letter',
            name='recipient',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='patients.referringclinician'),
        ),
        migrations.AlterField(
            model_name='lettertemplate',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='letters_letter_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='letters_letter_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.UniqueConstraint(fields=('clinic', 'document'), name='letters_letter_document_once'),
        ),
        migrations.AddConstraint(
            model_name='lettertemplate',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='letters_lettertemplate_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='lettertemplate',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='letters_lettertemplate_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='letters_letter_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=knotwork.core.models.ClinicForeignKey(field='plan', name='letters_letter_plan_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=knotwork.core.models.ClinicForeignKey(field='recipient', name='letters_letter_recipient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=knotwork.core.models.ClinicForeignKey(field='document', name='letters_letter_document_clinic_fk'),
        ),
    ]
