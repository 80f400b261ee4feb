"""The kinds of actor the policy table calls every service as (tests/test_policy_table.py and each app's
`tests/policy_rows.py`)."""

OWNER, PRACTITIONER, FRONT_DESK = "owner", "practitioner", "front_desk"
OTHER_CLINIC = "other_clinic"  # a practitioner of clinic B, acting on clinic A's records
SYSTEM = "system"  # the task worker, a management command
PATIENT = "patient"  # the patient through their own private link
OTHER_PATIENT = "other_patient"  # another patient's link, acting on this patient's records
ACTORS = (OWNER, PRACTITIONER, FRONT_DESK, OTHER_CLINIC, SYSTEM, PATIENT, OTHER_PATIENT)
CLINICAL = {OWNER, PRACTITIONER}
STAFF = {OWNER, PRACTITIONER, FRONT_DESK}
