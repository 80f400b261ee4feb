"""The owner's import pages: upload a file, map its columns, see the dry run row by row, then import or discard."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_views
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.imports import selectors, services
from knotwork.imports.forms import ConfirmForm, MappingForm, UploadForm
from knotwork.imports.models import ImportSource, ImportStatus, Outcome
from knotwork.imports.sources import FIELDS


def _shown(request: ClinicRequest, patients, shown_in: str) -> None:
    """Existing patients named on an import page (possible duplicates, updated and imported patients)."""
    unique = {patient.pk: patient for patient in patients if patient is not None}
    record_views(instances=unique.values(), by=request.user, shown_in=shown_in)


@clinic_member(may="import_patients")
@require_http_methods(["GET", "POST"])
def start(request: ClinicRequest):
    """The clinic's imports so far and the form to upload an export."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.start_import(
                clinic=request.clinic, by=request.user, data=upload.read(), file_name=upload.name
            )
        except ClinicRuleError as error:
            form.add_error("file", str(error))
        else:
            if run.source == ImportSource.CSV:
                return redirect("imports:mapping", run.public_id)
            return redirect(run)
    context = {"form": form, "runs": selectors.list_runs(request.user)[:50]}
    return render(request, "imports/importrun_list.html", context, status=400 if form.errors else 200)


def _waiting(request: ClinicRequest, public_id):
    run = selectors.get_run(request.user, public_id)
    if run.status != ImportStatus.UPLOADED:
        messages.info(request, "This import has already been run or discarded.")
        return run, redirect("imports:run", run.public_id)
    return run, None


@clinic_member(may="import_patients")
@require_http_methods(["GET", "POST"])
def mapping(request: ClinicRequest, public_id):
    """Which column of the CSV fills which field; Knotwork's guesses for Cliniko and Jane exports are preset."""
    run, elsewhere = _waiting(request, public_id)
    if elsewhere:
        return elsewhere
    if run.source != ImportSource.CSV:
        return redirect(run)
    try:
        headers = services.headers_of(run)
    except ClinicRuleError as error:
        messages.error(request, str(error))
        return redirect("imports:start")
    initial = {**run.mapping, "date_order": run.date_order}
    form = MappingForm(request.POST or None, headers=headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_import_mapping(
                run=run, by=request.user, mapping=form.mapping(), date_order=form.cleaned_data["date_order"]
            )
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            return redirect(run)
    context = {"run": run, "form": form, "preset": bool(run.mapping)}
    return render(request, "imports/importrun_mapping.html", context, status=400 if form.errors else 200)


@clinic_member(may="import_patients")
@require_http_methods(["GET", "POST"])
def review(request: ClinicRequest, public_id):
    """The dry run, row by row; importing it for real is the form at the bottom."""
    run, elsewhere = _waiting(request, public_id)
    if elsewhere:
        return elsewhere
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = services.apply_import(run=run, by=request.user, good_rows_only=form.cleaned_data["good_rows_only"])
        except ClinicRuleError as error:
            messages.error(request, str(error))
            return redirect("imports:start")
        if result.applied:
            messages.success(request, f"Imported: {result.summary()}.")
            return redirect("imports:run", run.public_id)
        refusal = result.refusal
    try:
        preview = services.dry_run_import(run=run, by=request.user)
    except ClinicRuleError as error:
        messages.error(request, str(error))
        if run.source == ImportSource.CSV and run.stored_file:
            return redirect("imports:mapping", run.public_id)
        return redirect("imports:start")
    _shown(request, [row.patient for row in preview.rows if row.outcome != Outcome.CREATE], "import dry run")
    context = {
        "run": run,
        "preview": preview,
        "form": form,
        "refusal": refusal,
        "mapped": [(FIELDS[field], column) for field, column in run.mapping.items()],
    }
    return render(request, "imports/importrun_review.html", context, status=400 if refusal else 200)


@clinic_member(may="import_patients")
@require_POST
def discard(request: ClinicRequest, public_id):
    run = selectors.get_run(request.user, public_id)
    try:
        services.discard_import(run=run, by=request.user)
    except ClinicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Discarded the upload: the file is deleted and nothing was imported.")
    return redirect("imports:start")


@clinic_member(may="import_patients")
def run_detail(request: ClinicRequest, public_id):
    """What an import did, row by row (the file itself is gone)."""
    run = selectors.get_run(request.user, public_id)
    if run.status == ImportStatus.UPLOADED:
        return redirect(run)
    rows = list(selectors.list_rows(request.user, run))
    _shown(request, [row.patient for row in rows], "import result")
    return render(request, "imports/importrun_detail.html", {"run": run, "rows": rows})
