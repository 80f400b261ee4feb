"""Moments of a session that higher floors react to, registering in their AppConfig.ready."""

from knotwork.core.hooks import Hook

session_finished = Hook(
    "treatment.session_finished",
    "A session was finished, inside its transaction: (session=, by=). Follow-up plans the patient's check-ins.",
)
