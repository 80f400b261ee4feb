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
        ('webhooks', '0001_endpoints_and_deliveries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='endpoint',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='webhooks.endpoint'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='patient',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='replay_of',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replays', to='webhooks.delivery'),
        ),
        migrations.AlterField(
            model_name='endpoint',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='webhooks_delivery_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='webhooks_delivery_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='endpoint',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='webhooks_endpoint_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='endpoint',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='webhooks_endpoint_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=knotwork.core.models.ClinicForeignKey(field='endpoint', name='webhooks_delivery_endpoint_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='webhooks_delivery_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=knotwork.core.models.ClinicForeignKey(field='replay_of', name='webhooks_delivery_replay_of_clinic_fk'),
        ),
    ]
