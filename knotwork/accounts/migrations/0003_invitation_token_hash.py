"""Invitations keep only the SHA-256 of their token: existing tokens are hashed in place.

An invitation sent before this migration keeps working: its link carries the raw token, whose hash is what is
stored now. Going back cannot restore the raw tokens (that is the point), so those invitations stop opening then.
"""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    # The same hash as knotwork.core.tokens.hash_token, written out so this migration never changes meaning.
    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.only("pk", "token_hash").iterator():
        invitation.token_hash = hashlib.sha256(invitation.token_hash.encode("utf-8")).hexdigest()
        invitation.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="invitation", old_name="token", new_name="token_hash"),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
