# PatientMessage now belongs to the messaging app (its 0001 takes the model over, table and rows unchanged):
# drop it from the follow-up app's state only; the table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_bounded_text"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PatientMessage")],
            database_operations=[],
        ),
    ]
