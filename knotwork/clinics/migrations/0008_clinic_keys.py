"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinics', '0007_patient_changes_and_booking_source'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='clinicsettings',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='clinics_clinicsettings_clinic_key'),
        ),
    ]
