"""The three many-to-many fields keep their rows in the clinic-scoped tables of 0002 (with the clinic, and keys that
include it): the rows of Django's own tables are copied over, then those tables are dropped."""

from django.db import migrations, models


def _copies(apps):
    """Each field's old table, its two columns, and the new table with its two columns."""
    BookingSettings = apps.get_model("booking", "BookingSettings")
    OnlineBooking = apps.get_model("booking", "OnlineBooking")
    return [
        (BookingSettings.bookable_types.through, "bookingsettings", "appointmenttype", "BookableType", "settings", "appointment_type"),
        (BookingSettings.first_visit_types.through, "bookingsettings", "appointmenttype", "FirstVisitType", "settings", "appointment_type"),
        (OnlineBooking.possible_duplicates.through, "onlinebooking", "patient", "PossibleDuplicate", "booking", "patient"),
    ]


def copy_rows(apps, schema_editor):
    for old, old_from, old_to, new_name, new_from, new_to in _copies(apps):
        new = apps.get_model("booking", new_name)
        rows = old.objects.using(schema_editor.connection.alias).select_related(old_from).order_by("pk")
        new.objects.using(schema_editor.connection.alias).bulk_create(
            [
                new(
                    clinic_id=getattr(row, old_from).clinic_id,
                    **{f"{new_from}_id": getattr(row, f"{old_from}_id"), f"{new_to}_id": getattr(row, f"{old_to}_id")},
                )
                for row in rows
            ],
            batch_size=1000,
        )


def copy_rows_back(apps, schema_editor):
    for old, old_from, old_to, new_name, new_from, new_to in _copies(apps):
        new = apps.get_model("booking", new_name)
        old.objects.using(schema_editor.connection.alias).bulk_create(
            [
                old(**{f"{old_from}_id": getattr(row, f"{new_from}_id"), f"{old_to}_id": getattr(row, f"{new_to}_id")})
                for row in new.objects.using(schema_editor.connection.alias).order_by("pk")
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_clinic_keys"),
    ]

    operations = [
        # Django's own tables hold the rows until they are copied; the fields are then declared over the new tables.
        migrations.RunPython(copy_rows, copy_rows_back),
        migrations.RemoveField(model_name="bookingsettings", name="bookable_types"),
        migrations.RemoveField(model_name="bookingsettings", name="first_visit_types"),
        migrations.RemoveField(model_name="onlinebooking", name="possible_duplicates"),
        migrations.AddField(
            model_name="bookingsettings",
            name="bookable_types",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="booking.BookableType",
                to="scheduling.appointmenttype",
                verbose_name="types patients may book online",
            ),
        ),
        migrations.AddField(
            model_name="bookingsettings",
            name="first_visit_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="With “first visit before follow-ups”, a patient without an attended visit may book only these.",
                related_name="+",
                through="booking.FirstVisitType",
                to="scheduling.appointmenttype",
                verbose_name="first-visit types",
            ),
        ),
        migrations.AddField(
            model_name="onlinebooking",
            name="possible_duplicates",
            field=models.ManyToManyField(
                blank=True, related_name="+", through="booking.PossibleDuplicate", to="patients.patient"
            ),
        ),
    ]
