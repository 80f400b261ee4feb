"""Find the clinics a command is asked about: `--clinic` by public id or exact name, or every clinic."""

import uuid

from django.core.management.base import CommandError

from knotwork.clinics.models import Clinic


def clinics_from(value: str | None) -> list[Clinic]:
    if value is None:
        clinics = list(Clinic.objects.order_by("pk"))
        if not clinics:
            raise CommandError("There are no clinics in this database.")
        return clinics
    value = value.strip()
    if not value:
        raise CommandError("--clinic needs a clinic's public id or its exact name.")
    try:
        found = Clinic.objects.filter(public_id=uuid.UUID(value))
    except ValueError:
        found = Clinic.objects.filter(name=value)
    clinics = list(found)
    if not clinics:
        names = ", ".join(Clinic.objects.order_by("name").values_list("name", flat=True)[:10])
        raise CommandError(f"No clinic {value!r}. Give its public id or exact name (clinics: {names or 'none'}).")
    if len(clinics) > 1:
        raise CommandError(f"More than one clinic is called {value!r}: give its public id.")
    return clinics
