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
        ('documents', '0001_documents_on_the_chart'),
        ('patients', '0004_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='document',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='document',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='document',
            name='referral',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='assessment.medicalreferral'),
        ),
        migrations.AlterField(
            model_name='document',
            name='storage_key',
            field=models.CharField(db_index=True, editable=False, max_length=255),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('clinic', 'storage_key'), name='documents_document_storage_key_key'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='documents_document_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='documents_document_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='documents_document_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=knotwork.core.models.ClinicForeignKey(field='referral', name='documents_document_referral_clinic_fk'),
        ),
    ]
