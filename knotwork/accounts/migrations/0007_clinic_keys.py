"""Keys that include the clinic (docs/postgresql.md, *Distributing by clinic*): a unique (clinic, id) per table,
public ids and other unique keys per clinic, and foreign keys between clinic-scoped tables over (clinic_id, id).

Generated, then ordered by hand: the ClinicForeignKeys come last, after the (clinic, id) keys they point at (on
PostgreSQL a foreign key needs its target's unique key to exist; other apps' keys come first through the
dependencies)."""

import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_api_keys'),
        ('clinics', '0008_clinic_keys'),
    ]

    operations = [
        migrations.AlterField(
            model_name='apikey',
            name='key_hash',
            field=models.CharField(db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='apikey',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='token_hash',
            field=models.CharField(db_index=True, editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='apikey',
            constraint=models.UniqueConstraint(fields=('clinic', 'key_hash'), name='accounts_apikey_key_hash_key'),
        ),
        migrations.AddConstraint(
            model_name='apikey',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='accounts_apikey_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='apikey',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='accounts_apikey_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(fields=('clinic', 'token_hash'), name='accounts_invitation_token_hash_key'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='accounts_invitation_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='accounts_invitation_clinic_key'),
        ),
    ]
