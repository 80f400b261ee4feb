"""The JSON API at /api/v1/: one router per app, errors as application/problem+json."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from knotwork.accounts.api_auth import ApiKeyAuth
from knotwork.assessment.api import router as assessment_router
from knotwork.atlas.api import router as atlas_router
from knotwork.billing.api import router as billing_router
from knotwork.core.access import ACCESS_RULE_ATTR
from knotwork.core.api import ClinicSessionAuth, KnotworkAPI, install_problem_handlers, problem
from knotwork.documents.api import router as documents_router
from knotwork.followup.api import router as followup_router
from knotwork.outcomes.api import router as outcomes_router
from knotwork.patients.api import router as patients_router
from knotwork.plans.api import router as plans_router
from knotwork.scheduling.api import router as scheduling_router
from knotwork.treatment.api import router as treatment_router


def members_only_in_production(view):
    """Open the OpenAPI document and its docs page to signed-in clinic members only, unless DEBUG is on.

    The document maps every endpoint and field: on a development checkout that is handy, in production it is a
    map for an attacker, so there it is shown to the people who can call the API anyway.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.DEBUG or ClinicSessionAuth().authenticate(request, None) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return problem(api, request, 401, "Sign in required", "Sign in to Knotwork as a clinic member.")
        return redirect_to_login(request.get_full_path())

    setattr(wrapped, ACCESS_RULE_ATTR, "clinic:any (open to all when DEBUG is on)")
    return wrapped


api = KnotworkAPI(
    title="Knotwork API",
    version="1",
    description=(
        "Clinic-scoped access to Knotwork. Send an API key as 'Authorization: Bearer KEY' (owners make keys under "
        "Staff → API keys, or with manage.py create_api_key); the web app's own pages use the session cookie."
    ),
    auth=[ApiKeyAuth(), ClinicSessionAuth()],
    urls_namespace="api",
    docs_decorator=members_only_in_production,
)
install_problem_handlers(api)
api.add_router("/", patients_router)
api.add_router("/", atlas_router)
api.add_router("/", treatment_router)
api.add_router("/", scheduling_router)
api.add_router("/", outcomes_router)
api.add_router("/", assessment_router)
api.add_router("/", billing_router)
api.add_router("/", documents_router)
api.add_router("/", plans_router)
api.add_router("/", followup_router)
