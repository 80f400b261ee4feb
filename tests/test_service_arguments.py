"""Services that take a record's details as typed keyword arguments refuse one they do not name, and change nothing.

Before, these took a `data` or `values` dict and skipped (or set as a plain attribute) what they did not expect: a
caller's typo was lost without a word, and `update_clinic_settings` set whatever attribute it was handed.
"""

import copy

import pytest
from django.db import transaction

from tests.test_policy_table import TABLE, World, _service, _snapshot

# service -> an actor the policy table allows (the policy is asked first, so the actor must pass it)
TYPED_DETAILS = {
    "patients.register_patient": "owner",
    "patients.update_patient": "owner",
    "patients.save_referring_clinician": "owner",
    "clinics.update_clinic_settings": "owner",
    "assessment.save_intake_draft": "owner",
    "assessment.submit_intake": "owner",
    "assessment.record_trigger_point": "practitioner",
    "assessment.record_range_of_motion": "practitioner",
    "plans.update_plan": "practitioner",
    "treatment.services.session.record_needling": "practitioner",
    "treatment.services.session.record_technique": "practitioner",
    "treatment.services.notes.save_note_draft": "practitioner",
    "treatment.services.notes.amend_note": "practitioner",
}


@pytest.mark.parametrize("key", list(TYPED_DETAILS))
def test_a_detail_the_service_does_not_name_is_refused_and_nothing_changes(
    key, clinic_a, owner, practitioner, front_desk, practitioner_b
):
    allowed, build = TABLE[key]
    actor = TYPED_DETAILS[key]
    assert actor in allowed
    world = World(clinic_a, owner, practitioner, front_desk, practitioner_b)
    kwargs = build(world)
    by = world.actor(actor)
    with transaction.atomic():
        before = _snapshot()
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            _service(key)(**copy.deepcopy(kwargs), clinic_id=clinic_a.pk + 1, by=by)
        assert _snapshot() == before
        transaction.set_rollback(True)
