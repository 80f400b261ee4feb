"""Forms of online booking: the owner's settings, the public page (a time, then the visitor's details), and the
waitlist (the front desk's form, and the patient's own that the care page includes)."""

import datetime

from django import forms
from django.utils import timezone
from phonenumber_field.formfields import PhoneNumberField

from knotwork.booking.models import BookingSettings
from knotwork.clinics.models import CLINICAL_ROLES, Membership
from knotwork.core.forms import CleanTextMixin
from knotwork.patients.models import Patient, PatientStatus
from knotwork.scheduling.models import AppointmentType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
FIRST_AVAILABLE = "any"


class BookingSettingsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = [
            "is_open",
            "bookable_types",
            "first_visit_first",
            "first_visit_types",
            "notice_hours",
            "horizon_days",
            "buffer_minutes",
            "offer_hold_minutes",
        ]
        widgets = {
            "bookable_types": forms.CheckboxSelectMultiple,
            "first_visit_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        types = AppointmentType.objects.filter(clinic=clinic, is_active=True).order_by("duration_minutes", "name")
        for name in ("bookable_types", "first_visit_types"):
            self.fields[name].queryset = types
            self.fields[name].required = False


class FindTimeForm(forms.Form):
    """What the visitor wants: a kind of visit, with whom, which day (sent by GET: no personal data in it)."""

    type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(),
        label="Kind of visit",
        to_field_name="public_id",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    who = forms.ChoiceField(label="With", required=False)
    day = forms.DateField(label="Day", widget=DATE)

    def __init__(self, *args, types, memberships, last_day: datetime.date, first_day: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types
        self.fields["who"].choices = [
            (FIRST_AVAILABLE, "First available"),
            *[(str(m.public_id), m.user.get_full_name() or m.user.email) for m in memberships],
        ]
        self.fields["day"].widget.attrs.update(min=first_day.isoformat(), max=last_day.isoformat())
        self.first_day, self.last_day = first_day, last_day

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < self.first_day:
            raise forms.ValidationError(f"Choose {self.first_day:%A %-d %B} or later.")
        if day > self.last_day:
            raise forms.ValidationError(f"Bookings online are open until {self.last_day:%A %-d %B}.")
        return day

    def clean_who(self):
        return self.cleaned_data.get("who") or FIRST_AVAILABLE


class PatientDetailsForm(CleanTextMixin, forms.Form):
    """The chosen time and who the visitor is. `website` is a trap for robots: hidden from people, left empty."""

    time = forms.ChoiceField(
        label="Start time",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a time.",
            "invalid_choice": "That time is no longer free. Please pick another.",
        },
    )
    first_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}))
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneNumberField(
        max_length=40,
        label="Mobile phone",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text="Include the country code for a number from another country.",
    )
    texts = forms.BooleanField(label="Text me about my visits (reply STOP to end)", required=False)
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, times, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time"].choices = times

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born < today.replace(year=today.year - 120):
            raise forms.ValidationError("Please check the year of birth.")
        return born

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class JoinWaitlistForm(CleanTextMixin, forms.Form):
    """The waitlist's questions, as the patient answers them on the care page (and the front desk, below).

    Build it with the patient's clinic: `JoinWaitlistForm(request.POST or None, clinic=patient.clinic)`, and pass
    `form.service_arguments()` to `booking.services.join_waitlist`.
    """

    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Kind of visit", to_field_name="public_id", empty_label=None
    )
    practitioner = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        label="With",
        to_field_name="public_id",
        required=False,
        empty_label="Anyone",
    )
    earliest_on = forms.DateField(label="From", widget=DATE)
    latest_on = forms.DateField(label="Until", widget=DATE)
    day_starts = forms.TimeField(label="Not before", widget=TIME, initial=datetime.time(8))
    day_ends = forms.TimeField(label="Done by", widget=TIME, initial=datetime.time(18))
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, clinic, types=None, **kwargs):
        """`types`: the kinds of visit to offer (the patient's form offers those bookable online); all offered
        types of the clinic when not given (the front desk)."""
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].queryset = (
            types if types is not None else AppointmentType.objects.filter(clinic=clinic, is_active=True)
        )
        self.fields["practitioner"].queryset = (
            Membership.objects.filter(clinic=clinic, is_active=True, role__in=CLINICAL_ROLES)
            .select_related("user")
            .order_by("user__first_name", "user__last_name")
        )
        self.fields["practitioner"].label_from_instance = lambda m: m.user.get_full_name() or m.user.email
        today = timezone.localdate(timezone=clinic.tzinfo)
        self.fields["earliest_on"].initial = today
        self.fields["latest_on"].initial = today + datetime.timedelta(days=14)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("earliest_on"), cleaned.get("latest_on")
        if first and last and last < first:
            self.add_error("latest_on", "The last day must be on or after the first.")
        starts, ends = cleaned.get("day_starts"), cleaned.get("day_ends")
        if starts and ends and ends <= starts:
            self.add_error("day_ends", "The latest time must be after the earliest.")
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        membership = data.get("practitioner")
        return {
            "appointment_type": data["appointment_type"],
            "practitioner": membership.user if membership else None,
            "earliest_on": data["earliest_on"],
            "latest_on": data["latest_on"],
            "day_starts": data["day_starts"],
            "day_ends": data["day_ends"],
            "note": data.get("note") or "",
        }


class WaitlistForm(JoinWaitlistForm):
    """The front desk puts a patient on the waitlist."""

    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), to_field_name="public_id")

    field_order = ["patient"]

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, clinic=clinic, **kwargs)
        self.fields["patient"].queryset = (
            Patient.objects.filter(clinic=clinic)
            .exclude(status=PatientStatus.DISCHARGED)
            .order_by("last_name", "first_name")
        )
        self.fields["patient"].label_from_instance = lambda p: (
            f"{p.last_name}, {p.first_name} ({p.date_of_birth:%d %b %Y}, {p.chart_number})"
        )
        self.order_fields(["patient"])
