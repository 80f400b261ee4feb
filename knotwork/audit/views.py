import csv
import datetime

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.audit import selectors, services
from knotwork.audit.forms import AuditExportForm, AuditFilterForm
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.pagination import BadCursor, keyset_page

PAGE_SIZE = 50
CSV_COLUMNS = [
    "entry",
    "time (UTC)",
    "actor kind",
    "actor",
    "actor email",
    "actor ref",
    "action",
    "shown in",
    "record type",
    "record",
    "record id",
    "patient",
    "changed fields",
    "remote address",
    "previous hash",
    "hash",
]


def _page(request: ClinicRequest, form: AuditFilterForm, export_form: AuditExportForm, status: int = 200):
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["actor"].pk if data["actor"] else None,
            "actor_kind": data["actor_kind"],
            "action": data["action"],
            "record_type": data["record_type"],
            "patient_public_id": data["patient"],
            "since": data["since"],
            "until": data["until"],
        }
    entries = selectors.list_audit_entries(request.user, **filters) if form.is_valid() or not form.is_bound else None
    page, cursor_error = None, ""
    if entries is not None:
        try:
            page = keyset_page(
                entries,
                field="timestamp",
                size=PAGE_SIZE,
                older=request.GET.get("older") or None,
                newer=request.GET.get("newer") or None,
            )
        except BadCursor as bad:
            cursor_error, status = str(bad), 400
    query = request.GET.copy()
    for name in ("page", "older", "newer"):
        query.pop(name, None)
    for name in export_form.fields:
        query.pop(export_form.add_prefix(name), None)
    context = {
        "form": form,
        "export_form": export_form,
        "page": page,
        "query": query.urlencode(),
        "cursor_error": cursor_error,
    }
    return render(request, "audit/auditentry_list.html", context, status=status)


def _staff(request: ClinicRequest):
    return User.objects.filter(membership__clinic=request.clinic).order_by("email")


def _filter_form(request: ClinicRequest) -> AuditFilterForm:
    filter_data = {k: v for k, v in request.GET.items() if k in AuditFilterForm.base_fields}
    return AuditFilterForm(filter_data or None, staff=_staff(request))


@clinic_member(may="read_audit_trail")
def audit_list(request: ClinicRequest):
    today = timezone.localdate()
    export_form = AuditExportForm(initial={"since": today.replace(day=1), "until": today})
    return _page(request, _filter_form(request), export_form)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """A cell as text; one a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(entry) -> list[str]:
    changed = ", ".join(entry.changes_dict) if entry.action == entry.Action.UPDATE and entry.changes else ""
    return [
        _cell(value)
        for value in (
            entry.pk,
            entry.timestamp.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            entry.get_actor_kind_display() if entry.actor_kind else "",
            entry.actor_label,
            entry.actor_email,
            entry.actor_ref,
            entry.action_name,
            entry.shown_in,
            entry.content_type.name,
            entry.object_repr,
            entry.object_pk,
            entry.patient.public_id if entry.patient else "",
            changed,
            entry.remote_addr,
            entry.prev_hash,
            entry.entry_hash,
        )
    ]


@clinic_member(may="read_audit_trail")
def audit_export(request: ClinicRequest):
    """The trail of a date range as CSV; the export itself is the range's last entry ('exported')."""
    export_form = AuditExportForm(request.GET or None)
    if not export_form.is_valid():
        return _page(request, _filter_form(request), export_form, status=400 if export_form.is_bound else 200)
    since, until = export_form.cleaned_data["since"], export_form.cleaned_data["until"]
    entries = selectors.entries_for_export(request.user, since=since, until=until)
    services.record_export(
        instance=request.clinic,
        by=request.user,
        what="audit trail CSV",
        details={"from": since.isoformat(), "to": until.isoformat(), "entries": entries.count()},
    )
    writer = csv.writer(_Echo())
    rows = (writer.writerow(_row(entry)) for entry in entries.iterator(chunk_size=1000))
    response = StreamingHttpResponse(
        (line for chunk in ([writer.writerow(CSV_COLUMNS)], rows) for line in chunk), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{since:%Y%m%d}-{until:%Y%m%d}.csv"'
    return response
