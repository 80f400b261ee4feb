"""The policy's answers for each kind of actor, on rules made here (the apps' own rules: tests/test_policy_table.py)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from knotwork.core import policy
from knotwork.core.policy import NotAllowed, PatientLinkActor, Rule, SystemActor, UnknownAction

CLINIC, OTHER_CLINIC = 1, 2


@pytest.fixture(autouse=True)
def rules(monkeypatch):
    """The registry with two test rules added, restored afterwards."""
    monkeypatch.setattr(policy, "_rules", dict(policy._rules))

    def physician(by, obj):
        return None if by.membership.is_physician else "Only a physician may inject."

    policy.register(
        Rule("test_sign", "sign a test note", frozenset({"owner", "practitioner"}), "a practitioner or the owner"),
        Rule("test_send", "send a test reminder", frozenset(), "Knotwork itself", system=True),
        Rule("test_diary", "write a test diary", frozenset({"front_desk"}), "front desk", patient=True),
        Rule("test_inject", "inject", frozenset({"practitioner"}), "a practitioner", condition=physician),
    )


def staff(role: str, *, clinic: int = CLINIC, active: bool = True, physician: bool = False):
    membership = SimpleNamespace(clinic_id=clinic, role=role, is_active=active, is_physician=physician)
    return SimpleNamespace(pk=7, is_authenticated=True, is_active=True, membership=membership)


def record(*, clinic: int = CLINIC, patient: int | None = 5):
    return SimpleNamespace(clinic_id=clinic, patient_id=patient)


def test_a_practitioner_may_sign_a_note_of_their_clinic():
    assert policy.can(staff("practitioner"), "test_sign", record())
    policy.require(staff("owner"), "test_sign", record())


def test_front_desk_is_refused_in_a_sentence_that_names_who_may():
    with pytest.raises(NotAllowed, match=r"^Only a practitioner or the owner can sign a test note\.$"):
        policy.require(staff("front_desk"), "test_sign", record())


def test_a_refusal_is_a_permission_denied_so_views_answer_403():
    assert issubclass(NotAllowed, PermissionDenied)


def test_staff_of_another_clinic_are_refused_whatever_their_role():
    with pytest.raises(NotAllowed, match="Only staff of this clinic"):
        policy.require(staff("owner", clinic=OTHER_CLINIC), "test_sign", record())


@pytest.mark.parametrize(
    "by",
    [None, SimpleNamespace(is_authenticated=False, is_active=True), staff("owner", active=False)],
    ids=["nobody", "anonymous", "deactivated"],
)
def test_nobody_no_account_and_a_deactivated_member_are_refused(by):
    with pytest.raises(NotAllowed, match=r"Only active staff of a clinic can sign a test note\."):
        policy.require(by, "test_sign", record())


def test_the_system_may_only_what_a_rule_grants_it_and_is_named_when_refused():
    worker = SystemActor("task worker")
    policy.require(worker, "test_send")
    with pytest.raises(NotAllowed, match=r"Knotwork \(task worker\) cannot sign a test note"):
        policy.require(worker, "test_sign", record())


def test_a_patient_link_acts_on_its_own_record_only():
    own = PatientLinkActor(patient_id=5, clinic_id=CLINIC)
    policy.require(own, "test_diary", record(patient=5))
    with pytest.raises(NotAllowed, match="another patient's record"):
        policy.require(PatientLinkActor(patient_id=6, clinic_id=CLINIC), "test_diary", record(patient=5))
    with pytest.raises(NotAllowed, match="private link cannot be used to write a test diary"):
        policy.require(own, "test_diary", None)  # a clinic-wide action is never the patient's
    with pytest.raises(NotAllowed, match="private link cannot be used to sign a test note"):
        policy.require(own, "test_sign", record(patient=5))


def test_a_link_actor_is_made_from_the_link():
    link = SimpleNamespace(pk=3, patient_id=5, clinic_id=CLINIC)
    assert PatientLinkActor.of(link) == PatientLinkActor(patient_id=5, clinic_id=CLINIC, link_id=3)


def test_a_condition_refuses_in_its_own_words():
    assert policy.can(staff("practitioner", physician=True), "test_inject", record())
    with pytest.raises(NotAllowed, match=r"Only a physician may inject\."):
        policy.require(staff("practitioner"), "test_inject", record())


def test_without_an_object_only_the_role_is_asked_to_hide_a_button():
    assert policy.can(staff("practitioner"), "test_sign")
    assert not policy.can(staff("front_desk"), "test_sign")


def test_an_unknown_action_is_a_programming_error_not_a_refusal():
    with pytest.raises(UnknownAction, match="sgin_note"):
        policy.can(staff("owner"), "sgin_note")
    assert not issubclass(UnknownAction, PermissionDenied)


def test_two_different_rules_for_one_action_are_refused_at_start_up():
    with pytest.raises(ImproperlyConfigured, match="test_sign"):
        policy.register(Rule("test_sign", "sign", frozenset({"front_desk"}), "front desk"))


def test_the_acting_user_is_kept_only_for_staff():
    assert policy.acting_user(SystemActor("demo loader")) is None
    assert policy.acting_user(PatientLinkActor(patient_id=5, clinic_id=CLINIC)) is None
