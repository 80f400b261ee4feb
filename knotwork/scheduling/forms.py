from django import forms

from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import CleanTextMixin
from knotwork.patients.models import PatientStatus
from knotwork.patients.selectors import list_patients
from knotwork.scheduling import clock, selectors, services
from knotwork.scheduling.models import AppointmentType, Room, TypeColour, Weekday

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDateField(forms.DateField):
    """A date the calendar can handle (2000-2199), so a mistyped year is a form error, not a crash."""

    def validate(self, value):
        super().validate(value)
        if value and not clock.FIRST_DAY <= value <= clock.LAST_DAY:
            raise forms.ValidationError("Please check the year.")


TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class PractitionerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return selectors.practitioner_name(obj.user)


class PatientChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.chart_number}, born {obj.date_of_birth:%Y-%m-%d})"


class WhenMixin:
    """Turn the typed local date and time into one instant, refusing a time the clocks skip."""

    clinic = None

    def clean(self):
        data = super().clean()
        day, at = data.get("date"), data.get("time")
        if day and at:
            try:
                data["starts_at"] = services.local_start(day=day, at=at, clinic=self.clinic)
            except ClinicRuleError as error:
                self.add_error("time", str(error))
        return data


class RoomChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class BookForm(CleanTextMixin, WhenMixin, forms.Form):
    # Chosen with the patient picker (type a name, date of birth or phone): the field keeps the patient's id.
    patient = PatientChoice(
        queryset=None,
        to_field_name="public_id",
        widget=forms.HiddenInput,
        error_messages={"required": "Choose a patient: type a name, date of birth or phone and pick from the list."},
    )
    practitioner = PractitionerChoice(queryset=None, to_field_name="public_id", empty_label="Choose a practitioner")
    appointment_type = forms.ModelChoiceField(
        label="Appointment type", queryset=None, to_field_name="public_id", empty_label="Choose a type"
    )
    date = CalendarDateField(widget=DATE)
    time = forms.TimeField(widget=TIME, help_text="Clinic time, on a 5-minute mark (e.g. 10:15).")
    notes = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}), help_text="For staff only."
    )
    allow_outside_hours = forms.BooleanField(label="Book outside working hours", required=False)
    room = RoomChoice(
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="No room",
        help_text="Needed for types that use a room; a room is never double-booked.",
    )
    repeat = forms.BooleanField(label="Repeat this appointment", required=False)
    every_weeks = forms.IntegerField(
        label="Every (weeks)", min_value=1, max_value=12, initial=1, required=False, widget=forms.NumberInput
    )
    repeat_count = forms.IntegerField(
        label="Times in all",
        min_value=2,
        max_value=services.MOST_OCCURRENCES,
        required=False,
        help_text="Including the first, e.g. 6. Or give an end date instead.",
    )
    repeat_until = CalendarDateField(label="Or until (date)", widget=DATE, required=False)
    skip_clashes = forms.BooleanField(
        label="Book the free dates and skip the ones that clash",
        required=False,
        help_text="Unticked, nothing is booked when any date clashes, and the clashing dates are listed.",
    )

    def __init__(self, *args, user, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["patient"].queryset = list_patients(user).exclude(status=PatientStatus.DISCHARGED)
        self.fields["practitioner"].queryset = selectors.list_practitioners(user)
        self.fields["appointment_type"].queryset = selectors.list_appointment_types(user, active_only=True)
        self.fields["room"].queryset = selectors.list_rooms(user, active_only=True)
        if not self.fields["room"].queryset.exists():
            del self.fields["room"]

    REPEAT_FIELDS = ("repeat", "every_weeks", "repeat_count", "repeat_until", "skip_clashes")

    def main_fields(self):
        return [self[name] for name in self.fields if name not in ("patient", *self.REPEAT_FIELDS)]

    def repeat_fields(self):
        return [self[name] for name in self.REPEAT_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("repeat"):
            if not data.get("every_weeks"):
                self.add_error("every_weeks", "Say every how many weeks (1 to 12).")
            count, until = data.get("repeat_count"), data.get("repeat_until")
            if "repeat_count" in self.errors or "repeat_until" in self.errors:
                return data
            if (count is None) == (until is None):
                self.add_error("repeat_count", "Give either how many times or an end date (one of the two).")
            elif until is not None and data.get("date") and until <= data["date"]:
                self.add_error("repeat_until", "The end date must be after the first appointment.")
        data.setdefault("room", None)
        return data


class MoveForm(CleanTextMixin, WhenMixin, forms.Form):
    date = CalendarDateField(label="New date", widget=DATE)
    time = forms.TimeField(label="New time", widget=TIME, help_text="Clinic time, on a 5-minute mark.")
    practitioner = PractitionerChoice(queryset=None, to_field_name="public_id", empty_label=None)
    allow_outside_hours = forms.BooleanField(label="Book outside working hours", required=False)
    room = RoomChoice(queryset=None, to_field_name="public_id", required=False, empty_label="No room")

    def __init__(self, *args, user, clinic, with_room: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["practitioner"].queryset = selectors.list_practitioners(user)
        rooms = selectors.list_rooms(user)
        if with_room and rooms.exists():
            self.fields["room"].queryset = rooms
        else:
            del self.fields["room"]


class CalendarMoveForm(MoveForm):
    """The calendar's drag and keyboard move: the new date, time and practitioner; the room stays."""

    def __init__(self, *args, user, clinic, **kwargs):
        super().__init__(*args, user=user, clinic=clinic, with_room=False, **kwargs)


class CancelForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling", max_length=300, help_text="For example: patient unwell, will call to rebook."
    )
    following = forms.BooleanField(label="Also cancel the later appointments of this series", required=False)

    def __init__(self, *args, series_after: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if series_after > 0:
            self.fields[
                "following"
            ].label = (
                f"Also cancel the {series_after} later appointment{'s' if series_after != 1 else ''} of this series"
            )
        else:
            del self.fields["following"]


class AppointmentTypeForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = AppointmentType
        fields = ["name", "duration_minutes", "colour", "needs_room", "is_active"]
        widgets = {
            "duration_minutes": forms.NumberInput(attrs={"step": 5, "min": 5, "max": 480}),
            "colour": forms.RadioSelect(attrs={"class": "colour-choices"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].required = False  # a post without it keeps the colour (teal for a new type)

    def clean_colour(self) -> str:
        return self.cleaned_data.get("colour") or (self.instance.colour if self.instance.pk else TypeColour.TEAL)


class RoomForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "is_active"]


class PatientSearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(max_length=100, required=False, strip=True)


STRETCHES = (1, 2)


class WorkingHoursForm(CleanTextMixin, forms.Form):
    """Two stretches a day (e.g. 09:00-12:30 and 13:30-17:00); leave a day empty when not working."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in Weekday:
            for n in STRETCHES:
                second = ", second stretch" if n == 2 else ""
                self.fields[f"d{day.value}_{n}_starts"] = forms.TimeField(
                    label=f"{day.label}{second} from", required=False, widget=TIME
                )
                self.fields[f"d{day.value}_{n}_ends"] = forms.TimeField(
                    label=f"{day.label}{second} to", required=False, widget=TIME
                )

    @staticmethod
    def initial_from(rows) -> dict:
        initial, seen = {}, {}
        for row in rows:
            n = seen[row.weekday] = seen.get(row.weekday, 0) + 1
            if n in STRETCHES:
                initial[f"d{row.weekday}_{n}_starts"] = row.starts
                initial[f"d{row.weekday}_{n}_ends"] = row.ends
        return initial

    def days(self):
        """Bound fields grouped by weekday, for the template."""
        return [
            (day.label, [(self[f"d{day.value}_{n}_starts"], self[f"d{day.value}_{n}_ends"]) for n in STRETCHES])
            for day in Weekday
        ]

    def clean(self):
        data = super().clean()
        hours = []
        for day in Weekday:
            for n in STRETCHES:
                start_key, end_key = f"d{day.value}_{n}_starts", f"d{day.value}_{n}_ends"
                starts, ends = data.get(start_key), data.get(end_key)
                if start_key in self.errors or end_key in self.errors:
                    continue
                if (starts is None) != (ends is None):
                    self.add_error(end_key if ends is None else start_key, "Give both the start and the end.")
                elif starts is not None and ends is not None:
                    if ends <= starts:
                        self.add_error(end_key, "The end must be after the start.")
                    else:
                        hours.append((day.value, starts, ends))
        data["hours"] = hours
        return data


class TimeOffForm(CleanTextMixin, forms.Form):
    starts_on = CalendarDateField(label="From (date)", widget=DATE)
    starts_time = forms.TimeField(
        label="From (time)", required=False, widget=TIME, help_text="Empty: from the start of the day."
    )
    ends_on = CalendarDateField(label="Until (date)", widget=DATE)
    ends_time = forms.TimeField(
        label="Until (time)", required=False, widget=TIME, help_text="Empty: until the end of the day."
    )
    reason = forms.CharField(required=False, max_length=200, help_text="Staff see this, e.g. annual leave.")

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean(self):
        data = super().clean()
        tz = self.clinic.tzinfo
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if not (starts_on and ends_on):
            return data
        try:
            starts_at = (
                clock.to_utc(starts_on, data["starts_time"], tz)
                if data.get("starts_time")
                else clock.day_bounds(starts_on, tz)[0]
            )
            ends_at = (
                clock.to_utc(ends_on, data["ends_time"], tz)
                if data.get("ends_time")
                else clock.day_bounds(ends_on, tz)[1]
            )
        except clock.NonexistentTime as error:
            raise forms.ValidationError(str(error)) from None
        if ends_at <= starts_at:
            self.add_error("ends_on", "Time off must end after it starts.")
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data
