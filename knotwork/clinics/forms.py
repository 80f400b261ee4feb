from django import forms

from knotwork.clinics.models import ClinicSettings, time_zone_choices
from knotwork.core.forms import CleanTextMixin


class ClinicSettingsForm(CleanTextMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Clinic time zone",
        choices=[],
        help_text="Appointments, the calendar and check-in times are shown in this time zone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = time_zone_choices()
        if self.instance and self.instance.pk:
            current = self.instance.clinic.time_zone
            self.fields["time_zone"].initial = current
            if (current, current) not in choices:  # an old name saved earlier stays until the owner picks another
                choices = [(current, f"{current} (old name)"), *choices]
        self.fields["time_zone"].choices = choices

    class Meta:
        model = ClinicSettings
        fields = [
            "hold_seconds_min",
            "hold_seconds_max",
            "course_window_days_min",
            "course_window_days_max",
            "course_max_sessions",
            "plan_backdate_days_max",
            "follow_up_gap_days_min",
            "soreness_fade_hours_min",
            "soreness_fade_hours_max",
            "soreness_flag_threshold",
            "responder_points",
            "responder_percent",
            "odi_important_change",
            "ndi_important_change",
            "psfs_important_change",
            "reminder_hours_before",
            "patient_change_notice_hours",
            "session_timeout_minutes",
            "billing_method",
            "medicare_codes",
        ]
