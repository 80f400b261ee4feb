from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from knotwork.clinics import defaults, hooks, selectors, services
from knotwork.clinics.forms import ClinicSettingsForm
from knotwork.core.access import ClinicRequest, clinic_member


@clinic_member(may="change_clinic_settings")
@require_http_methods(["GET", "POST"])
def settings_edit(request: ClinicRequest):
    clinic_settings = selectors.get_clinic_settings(request.user)
    form = ClinicSettingsForm(request.POST or None, instance=clinic_settings)
    old_time_zone = request.clinic.time_zone
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clinic_settings(clinic=request.clinic, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Clinic settings saved.")
            if form.cleaned_data["time_zone"] != old_time_zone:
                _warn_about_moved_times(request, old_time_zone)
            return redirect("clinics:settings")
    seed_defaults = dict(defaults.ALL.items())
    return render(request, "clinics/clinicsettings_form.html", {"form": form, "seed_defaults": seed_defaults})


def _warn_about_moved_times(request: ClinicRequest, old_time_zone: str) -> None:
    """Tell the owner what a new time zone changes elsewhere (scheduling: booked appointments' clock times)."""
    for warning in hooks.time_zone_changed.call(
        user=request.user, old_time_zone=old_time_zone, new_time_zone=request.clinic.time_zone
    ):
        if warning:
            messages.warning(request, warning)
