"""What outcomes asks of higher floors, which register in their AppConfig.ready.

The pain series (and so the charts and the course review) gathers every pain score a patient gave. Sessions and
questionnaires stand on this floor or below; the follow-up app (check-ins, the diary) stands above and adds its
readings here.
"""

from knotwork.core.hooks import Hook

pain_readings = Hook(
    "outcomes.pain_readings",
    "Pain 0-10 the patient reported elsewhere: (patient=) -> list of (datetime, value, label) for the pain chart.",
)
