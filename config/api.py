"""The JSON API at /api/v1/: one router per app, errors as application/problem+json."""

from ninja import NinjaAPI

from knotwork.atlas.api import router as atlas_router
from knotwork.core.api import ClinicSessionAuth, install_problem_handlers
from knotwork.outcomes.api import router as outcomes_router
from knotwork.patients.api import router as patients_router
from knotwork.scheduling.api import router as scheduling_router
from knotwork.treatment.api import router as treatment_router

api = NinjaAPI(
    title="Knotwork API",
    version="1",
    description="Clinic-scoped access to Knotwork. Sign in through the web app; the session cookie authenticates.",
    auth=ClinicSessionAuth(),
    urls_namespace="api",
)
install_problem_handlers(api)
api.add_router("/", patients_router)
api.add_router("/", atlas_router)
api.add_router("/", treatment_router)
api.add_router("/", scheduling_router)
api.add_router("/", outcomes_router)
