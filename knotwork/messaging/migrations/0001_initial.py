# PatientMessage moves from the follow-up app to messaging: state only. Its table, followup_patientmessage, was
# created by followup's 0001 and keeps its name (Meta.db_table), so no row moves; followup's 0003 then drops the
# model from followup's state.

import uuid

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old="followup", new="messaging"):
    """Keep the content type row (and the permissions that point at it) with the model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model="patientmessage"
    ).update(app_label=new)


def restore_content_type(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="messaging", new="followup")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clinics", "0003_clinic_time_zone_clinicsettings_ndi_important_change_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("followup", "0002_bounded_text"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PatientMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("link", "Private form link"),
                                    ("reminder", "Appointment reminder"),
                                    ("check_in", "Soreness check-in"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(
                                blank=True, help_text="public id of the appointment or check-in", max_length=64
                            ),
                        ),
                        ("channel", models.CharField(blank=True, max_length=20)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("unreachable", "No way to reach the patient"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("error", models.CharField(blank=True, max_length=100)),
                        (
                            "clinic",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="clinics.clinic",
                            ),
                        ),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="messages",
                                to="patients.patient",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "db_table": "followup_patientmessage",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type, elidable=True),
    ]
