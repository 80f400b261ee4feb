import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0004_map_position"),
    ]

    operations = [
        migrations.AddField(
            model_name="needleentry",
            name="safe_depth_mm",
            field=models.PositiveSmallIntegerField(
                blank=True,
                editable=False,
                help_text="the safe depth over or near the lung where the needle went, for the patient's build, when saved",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="sessionoverride",
            name="cause",
            field=models.CharField(
                blank=True,
                choices=[("unscreened", "No safety screen"), ("red_flag", "Open red flag")],
                help_text="for the start override (technique 'all'): why the session needed one",
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="needleentry",
            name="depth_mm",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(125),
                ]
            ),
        ),
    ]
