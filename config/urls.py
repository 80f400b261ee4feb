from django.contrib import admin
from django.urls import include, path

from config.api import api
from knotwork.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("", include("knotwork.chart.urls")),  # the chart (patients/<id>/) and the course page (plans/<id>/)
    path("", include("knotwork.reports.urls")),  # aftercare sheets, course review PDFs
    path("patients/", include("knotwork.patients.urls")),
    path("clinic/", include("knotwork.clinics.urls")),
    path("audit/", include("knotwork.audit.urls")),
    path("atlas/", include("knotwork.atlas.urls")),
    path("assessment/", include("knotwork.assessment.urls")),
    path("treatment/", include("knotwork.treatment.urls")),
    path("plans/", include("knotwork.plans.urls")),
    path("outcomes/", include("knotwork.outcomes.urls")),
    path("schedule/", include("knotwork.scheduling.urls")),
    path("follow-up/", include("knotwork.followup.urls")),
    path("documents/", include("knotwork.documents.urls")),
    path("billing/", include("knotwork.billing.urls")),
    path("letters/", include("knotwork.letters.urls")),
    path("evidence/", include("knotwork.evidence.urls")),
    path("webhooks/", include("knotwork.webhooks.urls")),
    path("messaging/", include("knotwork.messaging.urls")),
    path("fhir/r4/", include("knotwork.fhir.urls")),
    path("import/", include("knotwork.imports.urls")),
    path("book/", include("knotwork.booking.urls")),
    path("", include("knotwork.portal.urls")),
    path("", include("knotwork.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
