from django import forms

from knotwork.clinics.models import ClinicSettings


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = ClinicSettings
        fields = [
            "hold_seconds_min",
            "hold_seconds_max",
            "course_window_days_min",
            "course_window_days_max",
            "course_max_sessions",
            "soreness_fade_hours_min",
            "soreness_fade_hours_max",
            "session_timeout_minutes",
            "billing_method",
            "medicare_codes",
        ]
