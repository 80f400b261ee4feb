from django.core.paginator import Paginator
from django.shortcuts import render

from knotwork.accounts.models import User
from knotwork.audit.forms import AuditFilterForm
from knotwork.audit.selectors import list_audit_entries
from knotwork.clinics.models import Role
from knotwork.core.access import ClinicRequest, clinic_member

PAGE_SIZE = 50


@clinic_member(Role.OWNER)
def audit_list(request: ClinicRequest):
    staff = User.objects.filter(membership__clinic=request.clinic).order_by("email")
    form = AuditFilterForm(request.GET or None, staff=staff)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["actor"].pk if data["actor"] else None,
            "action": data["action"],
            "record_type": data["record_type"],
            "patient_public_id": data["patient"],
            "since": data["since"],
            "until": data["until"],
        }
    entries = list_audit_entries(request.user, **filters) if form.is_valid() or not request.GET else None
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")) if entries is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/auditentry_list.html", {"form": form, "page": page, "query": query.urlencode()})
