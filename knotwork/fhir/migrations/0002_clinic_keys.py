"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinics', '0008_clinic_keys'),
        ('fhir', '0001_fhir_export'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='fhirexport',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='fhirexport',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='fhir_fhirexport_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='fhirexport',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='fhir_fhirexport_public_id_key'),
        ),
    ]
