"""Write read-audit entries; changes are recorded by django-auditlog's model registration."""

from collections.abc import Iterable

from auditlog import get_logentry_model
from auditlog.context import auditlog_value
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import smart_str


def record_view(*, instance: models.Model, by) -> None:
    """Append a 'viewed' entry for a record a user opened (actor and address come from the request context)."""
    entry_model = get_logentry_model()
    entry_model.objects.log_create(
        instance, action=entry_model.Action.ACCESS, force_log=True, actor=by, actor_email=by.email
    )


def record_views(*, instances: Iterable[models.Model], by) -> None:
    """Append one 'viewed' entry per record shown in a list or search result, in one query."""
    instances = list(instances)
    if not instances:
        return
    entry_model = get_logentry_model()
    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    content_type = ContentType.objects.get_for_model(instances[0])
    entry_model.objects.bulk_create(
        [
            entry_model(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance),
                action=entry_model.Action.ACCESS,
                actor=by,
                actor_email=by.email,
                remote_addr=context.get("remote_addr"),
                clinic_id=getattr(instance, "clinic_id", None),
                patient_id=getattr(instance, "patient_id", None) or instance.pk,
                additional_data={"shown_in": "list"},
            )
            for instance in instances
        ]
    )
