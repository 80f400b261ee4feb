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
        ('messaging', '0004_message_templates'),
        ('patients', '0004_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='textconsent',
            name='one_open_text_consent_per_patient',
        ),
        migrations.AlterField(
            model_name='messagetemplate',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='outboundtext',
            name='message',
            field=knotwork.core.models.ClinicOneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='outbound_text', to='messaging.patientmessage'),
        ),
        migrations.AlterField(
            model_name='outboundtext',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='patientmessage',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='patientmessage',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='textconsent',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='text_consents', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='textconsent',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name='messagetemplate',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='messaging_messagetemplate_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='messagetemplate',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='messaging_messagetemplate_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='outboundtext',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='messaging_outboundtext_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='outboundtext',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='messaging_outboundtext_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='outboundtext',
            constraint=models.UniqueConstraint(fields=('clinic', 'message'), name='messaging_outboundtext_message_once'),
        ),
        migrations.AddConstraint(
            model_name='patientmessage',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='messaging_patientmessage_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='patientmessage',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='messaging_patientmessage_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='textconsent',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='messaging_textconsent_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='textconsent',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='messaging_textconsent_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='textconsent',
            constraint=models.UniqueConstraint(models.F('clinic'), models.F('patient'), condition=models.Q(('withdrawn_at__isnull', True)), name='one_open_text_consent_per_patient'),
        ),
        migrations.AddConstraint(
            model_name='outboundtext',
            constraint=knotwork.core.models.ClinicForeignKey(field='message', name='messaging_outboundtext_message_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='patientmessage',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='messaging_patientmessage_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='textconsent',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='messaging_textconsent_patient_clinic_fk'),
        ),
    ]
