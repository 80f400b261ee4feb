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
        ('booking', '0001_initial'),
        ('clinics', '0008_clinic_keys'),
        ('patients', '0004_clinic_keys'),
        ('scheduling', '0006_clinic_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BookableType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='FirstVisitType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PossibleDuplicate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
        ),
        migrations.AlterField(
            model_name='bookingsettings',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='onlinebooking',
            name='appointment',
            field=knotwork.core.models.ClinicOneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='online_booking', to='scheduling.appointment'),
        ),
        migrations.AlterField(
            model_name='onlinebooking',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='online_bookings', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='onlinebooking',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='waitlistentry',
            name='appointment_type',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.appointmenttype'),
        ),
        migrations.AlterField(
            model_name='waitlistentry',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='waitlist_entries', to='patients.patient'),
        ),
        migrations.AlterField(
            model_name='waitlistentry',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='waitlistoffer',
            name='appointment',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.appointment'),
        ),
        migrations.AlterField(
            model_name='waitlistoffer',
            name='appointment_type',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='scheduling.appointmenttype'),
        ),
        migrations.AlterField(
            model_name='waitlistoffer',
            name='entry',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='offers', to='booking.waitlistentry'),
        ),
        migrations.AlterField(
            model_name='waitlistoffer',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='waitlistoffer',
            name='token_hash',
            field=models.CharField(db_index=True, max_length=64),
        ),
        migrations.AddConstraint(
            model_name='waitlistentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_waitlistentry_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='waitlistentry',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='booking_waitlistentry_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=models.UniqueConstraint(fields=('clinic', 'token_hash'), name='booking_waitlistoffer_token_hash_key'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_waitlistoffer_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='booking_waitlistoffer_public_id_key'),
        ),
        migrations.AddField(
            model_name='bookabletype',
            name='appointment_type',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='scheduling.appointmenttype'),
        ),
        migrations.AddField(
            model_name='bookabletype',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clinics.clinic'),
        ),
        migrations.AddField(
            model_name='bookabletype',
            name='settings',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.bookingsettings'),
        ),
        migrations.AddField(
            model_name='firstvisittype',
            name='appointment_type',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='scheduling.appointmenttype'),
        ),
        migrations.AddField(
            model_name='firstvisittype',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clinics.clinic'),
        ),
        migrations.AddField(
            model_name='firstvisittype',
            name='settings',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.bookingsettings'),
        ),
        migrations.AddConstraint(
            model_name='bookingsettings',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_bookingsettings_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='bookingsettings',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='booking_bookingsettings_public_id_key'),
        ),
        migrations.AddField(
            model_name='possibleduplicate',
            name='booking',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.onlinebooking'),
        ),
        migrations.AddField(
            model_name='possibleduplicate',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clinics.clinic'),
        ),
        migrations.AddField(
            model_name='possibleduplicate',
            name='patient',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='patients.patient'),
        ),
        migrations.AddConstraint(
            model_name='onlinebooking',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_onlinebooking_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='onlinebooking',
            constraint=models.UniqueConstraint(fields=('clinic', 'public_id'), name='booking_onlinebooking_public_id_key'),
        ),
        migrations.AddConstraint(
            model_name='onlinebooking',
            constraint=models.UniqueConstraint(fields=('clinic', 'appointment'), name='booking_onlinebooking_appointment_once'),
        ),
        migrations.AddConstraint(
            model_name='bookabletype',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_bookabletype_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='bookabletype',
            constraint=models.UniqueConstraint(fields=('clinic', 'settings', 'appointment_type'), name='booking_bookabletype_once'),
        ),
        migrations.AddConstraint(
            model_name='firstvisittype',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_firstvisittype_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='firstvisittype',
            constraint=models.UniqueConstraint(fields=('clinic', 'settings', 'appointment_type'), name='booking_firstvisittype_once'),
        ),
        migrations.AddConstraint(
            model_name='possibleduplicate',
            constraint=models.UniqueConstraint(fields=('clinic', 'id'), name='booking_possibleduplicate_clinic_key'),
        ),
        migrations.AddConstraint(
            model_name='possibleduplicate',
            constraint=models.UniqueConstraint(fields=('clinic', 'booking', 'patient'), name='booking_possibleduplicate_once'),
        ),
        migrations.AddConstraint(
            model_name='waitlistentry',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='booking_waitlistentry_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='waitlistentry',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='booking_waitlistentry_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=knotwork.core.models.ClinicForeignKey(field='entry', name='booking_waitlistoffer_entry_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='booking_waitlistoffer_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='waitlistoffer',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment', name='booking_waitlistoffer_appointment_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='onlinebooking',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment', name='booking_onlinebooking_appointment_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='onlinebooking',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='booking_onlinebooking_patient_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='bookabletype',
            constraint=knotwork.core.models.ClinicForeignKey(field='settings', name='booking_bookabletype_settings_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='bookabletype',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='booking_bookabletype_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='firstvisittype',
            constraint=knotwork.core.models.ClinicForeignKey(field='settings', name='booking_firstvisittype_settings_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='firstvisittype',
            constraint=knotwork.core.models.ClinicForeignKey(field='appointment_type', name='booking_firstvisittype_appointment_type_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='possibleduplicate',
            constraint=knotwork.core.models.ClinicForeignKey(field='booking', name='booking_possibleduplicate_booking_clinic_fk'),
        ),
        migrations.AddConstraint(
            model_name='possibleduplicate',
            constraint=knotwork.core.models.ClinicForeignKey(field='patient', name='booking_possibleduplicate_patient_clinic_fk'),
        ),
    ]
