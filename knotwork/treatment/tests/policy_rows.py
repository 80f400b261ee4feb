"""Rows for tests/test_policy_table.py kept beside the treatment tests: the main table holds the session services."""

ROWS: dict = {}

NOT_SERVICES = {
    # Reads the patient's intake to pick the needle-depth limit (slim build); changes nothing.
    "treatment.services.session.slim_build",
    # Pure lookup: the body-map area a needle went into, from the marked site or the muscle's usual site.
    "treatment.services.session.needling_area",
    # The safety guard of several techniques at once (the session page's panel): a read, like guard.
    "treatment.services.guard.guards",
}
