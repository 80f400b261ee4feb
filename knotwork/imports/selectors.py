"""The clinic's imports (acting user first; missing and not-yours are both 404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from knotwork.imports.models import ImportRow, ImportRun


def list_runs(user) -> QuerySet[ImportRun]:
    return ImportRun.objects.for_user(user).select_related("started_by")


def get_run(user, public_id) -> ImportRun:
    return get_object_or_404(list_runs(user).select_related("clinic"), public_id=public_id)


def list_rows(user, run: ImportRun) -> QuerySet[ImportRow]:
    return ImportRow.objects.for_user(user).filter(run=run).select_related("patient", "appointment")
