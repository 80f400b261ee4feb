"""Scoped reads of patients and referring clinicians; every query starts from the acting user."""

import datetime
import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import formats

from knotwork.patients.models import Patient, ReferringClinician

PHONE_LIKE = re.compile(r"^[\d\s()+\-.]+$")


def parse_date_query(text: str) -> datetime.date | None:
    """Read a typed date of birth in ISO form or the site's date input formats (e.g. 03/14/1980)."""
    for fmt in ["%Y-%m-%d", *formats.get_format("DATE_INPUT_FORMATS")]:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time zone)
        except ValueError:
            continue
    return None


def search_filter(query: str) -> Q:
    """Match a search box entry against name, date of birth, phone or chart number."""
    text = query.strip()
    if not text:
        return Q()
    born = parse_date_query(text)
    if born is not None:
        return Q(date_of_birth=born)
    digits = re.sub(r"\D", "", text)
    if PHONE_LIKE.match(text) and digits:
        # A number is a phone number (3+ digits) or the numeric part of a chart number ("42" finds P-000042).
        numeric = Q(chart_number__icontains=text) | Q(chart_number__regex=rf"(^|[^0-9])0*{int(digits)}$")
        if len(digits) >= 3:
            numeric |= Q(phone__contains=digits)
        return numeric
    condition = Q(chart_number__iexact=text)
    words = Q()
    for word in text.split():
        words &= _name_matches(word)
    return condition | words


def _name_matches(word: str) -> Q:
    """A word of a name search. PostgreSQL finds it anywhere in a name through trigram indexes (patients
    migration 0003); SQLite, which has none, finds names that start with it through the name indexes, as a range
    of the lower-cased name ("ada" <= name < "adb")."""
    if connection.vendor == "postgresql":
        return Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(preferred_name__icontains=word)
    low = word.lower()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    return (
        Q(first_lower__gte=low, first_lower__lt=high)
        | Q(last_lower__gte=low, last_lower__lt=high)
        | Q(preferred_lower__gte=low, preferred_lower__lt=high)
    )


def _with_lower_names(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    if connection.vendor == "postgresql":
        return patients
    return patients.annotate(
        first_lower=Lower("first_name"), last_lower=Lower("last_name"), preferred_lower=Lower("preferred_name")
    )


def list_patients(user, *, query: str = "", status: str = "") -> QuerySet[Patient]:
    patients = Patient.objects.for_user(user).select_related("referring_clinician")
    if status:
        patients = patients.filter(status=status)
    return _with_lower_names(patients).filter(search_filter(query))


def get_patient(user, public_id) -> Patient:
    return get_object_or_404(Patient.objects.for_user(user).select_related("referring_clinician"), public_id=public_id)


def find_possible_duplicates(
    user, *, first_name: str, last_name: str, date_of_birth: datetime.date, exclude: Patient | None = None
) -> QuerySet[Patient]:
    """Patients of the clinic with the same name and date of birth (a likely double registration)."""
    matches = Patient.objects.for_user(user).filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), date_of_birth=date_of_birth
    )
    if exclude is not None:
        matches = matches.exclude(pk=exclude.pk)
    return matches


def list_referring_clinicians(user) -> QuerySet[ReferringClinician]:
    return ReferringClinician.objects.for_user(user)


def get_referring_clinician(user, public_id) -> ReferringClinician:
    return get_object_or_404(list_referring_clinicians(user), public_id=public_id)
