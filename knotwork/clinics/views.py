from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from knotwork.clinics import defaults, selectors, services
from knotwork.clinics.forms import ClinicSettingsForm
from knotwork.clinics.models import Role
from knotwork.core.access import ClinicRequest, clinic_member


@clinic_member(Role.OWNER)
@require_http_methods(["GET", "POST"])
def settings_edit(request: ClinicRequest):
    clinic_settings = selectors.get_clinic_settings(request.user)
    form = ClinicSettingsForm(request.POST or None, instance=clinic_settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clinic_settings(clinic=request.clinic, by=request.user, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Clinic settings saved.")
            return redirect("clinics:settings")
    seed_defaults = dict(defaults.ALL.items())
    return render(request, "clinics/clinicsettings_form.html", {"form": form, "seed_defaults": seed_defaults})
