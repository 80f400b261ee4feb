"""The staff user recorded as having done something (who examined, who booked) is a member of staff, never
Knotwork itself or a patient's link."""

import pytest

from knotwork.accounts.policy import acting_staff, staff_user
from knotwork.core.policy import NotAllowed, PatientLinkActor, SystemActor


def test_a_member_of_staff_is_recorded_as_themselves(practitioner):
    assert staff_user(practitioner) == practitioner
    assert acting_staff(practitioner) == practitioner


@pytest.mark.parametrize("actor", [SystemActor("task worker"), PatientLinkActor(patient_id=1, clinic_id=1)])
def test_knotwork_or_a_patient_is_never_recorded_as_staff(actor):
    assert acting_staff(actor) is None
    with pytest.raises(NotAllowed, match="Only a member of staff"):
        staff_user(actor)
