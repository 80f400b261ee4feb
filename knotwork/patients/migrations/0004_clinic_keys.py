"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

import django.db.models.deletion
import knotwork.core.models
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinics', '0008_clinic_keys'),
        ('patients', '0003_name_search_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='patient',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='patient',
            name='referring_clinician',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='patients', to='patients.referringclinician'),
        ),
        migrations.AlterField(
            model_name='referringclinician',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='patient',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='patients_patient_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='patient',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='patients_patient_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='referringclinician',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='patients_referringclinician_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='referringclinician',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='patients_referringclinician_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='patient',
            constraint=knotwork.core.models.ClinicForeignKey(field='referring_clinician', name='patients_patient_referring_clinician_clinic_fk'),
        ),
    ]
