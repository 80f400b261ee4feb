"""Write read-audit entries; changes are recorded by django-auditlog's model registration."""

from auditlog import get_logentry_model
from django.db import models


def record_view(*, instance: models.Model, by) -> None:
    """Append a 'viewed' entry for a record a user opened (actor and address come from the request context)."""
    entry_model = get_logentry_model()
    entry_model.objects.log_create(
        instance, action=entry_model.Action.ACCESS, force_log=True, actor=by, actor_email=by.email
    )
