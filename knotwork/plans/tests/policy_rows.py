"""Rows for tests/test_policy_table.py kept beside the plans tests: the main table holds the plan services."""

ROWS: dict = {}

NOT_SERVICES = {
    # Pure check: what in a plan goes beyond the clinic's limits, in words; changes nothing.
    "plans.limits_exceeded",
}
