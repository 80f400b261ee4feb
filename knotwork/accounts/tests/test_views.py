import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from conftest import totp_code
from knotwork.accounts.models import Invitation, User
from knotwork.accounts.tests.factories import PASSWORD
from knotwork.clinics.models import Membership, Role


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_practitioner_signs_in_with_email_and_sees_the_patient_list(client, practitioner):
    response = _login(client, practitioner.email.upper())
    assert response.status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200


def test_wrong_password_says_so_and_keeps_the_email(client, practitioner):
    response = _login(client, practitioner.email, "wrong-password-1")
    assert response.status_code == 200
    assert "not correct" in response.text
    assert f'value="{practitioner.email}"' in response.text


def test_sign_out_ends_the_session(practitioner_client):
    practitioner_client.post(reverse("account_logout"))
    assert practitioner_client.get(reverse("patients:list")).status_code == 302


def test_repeated_failures_lock_the_account(client, practitioner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, practitioner.email, "wrong-password-1")
    locked = _login(client, practitioner.email)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text


def test_password_reset_emails_a_link_that_sets_a_new_password(client, practitioner):
    client.post(reverse("account_reset_password"), {"email": practitioner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": "a-brand-new-secret-42", "password2": "a-brand-new-secret-42"}
    )
    assert _login(client, practitioner.email, "a-brand-new-secret-42").status_code == 302


def test_owner_signs_in_with_an_authenticator_code(client, owner):
    response = _login(client, owner.email)
    assert response["Location"] == reverse("mfa_authenticate")
    code = totp_code()
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("accounts:staff")).status_code == 200


def test_owner_without_an_authenticator_must_set_one_up_first(client, clinic_a):
    from knotwork.accounts.tests.factories import UserFactory
    from knotwork.clinics.services import add_member
    from knotwork.core.policy import SystemActor

    new_owner = UserFactory()
    add_member(clinic=clinic_a, user=new_owner, role=Role.OWNER, by=SystemActor("test set-up"))
    client.force_login(new_owner)
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_idle_session_ends_after_the_clinic_timeout(client, practitioner):
    with time_machine.travel("2026-11-23 09:00", tick=False) as traveller:
        client.force_login(practitioner)
        assert client.get(reverse("patients:list")).status_code == 200
        traveller.shift(29 * 60)
        assert client.get(reverse("patients:list")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("patients:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_owner_invites_a_practitioner_who_joins_and_signs_in(
    owner_client, client, clinic_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("accounts:staff"),
            {"email": "New.Person@A.example.com", "first_name": "New", "role": "practitioner"},
        )
    assert len(mail.outbox) == 1
    link = re.search(r"http://127.0.0.1:8000(\S+)", mail.outbox[0].body).group(1)
    owner_client.post(reverse("account_logout"))
    page = client.get(link)
    assert "Join Clinic A Myotherapy" in page.text
    weak = client.post(link, {"first_name": "New", "last_name": "Person", "password1": "123", "password2": "123"})
    assert "too short" in weak.text
    assert 'value="Person"' in weak.text
    client.post(link, {"first_name": "New", "last_name": "Person", "password1": PASSWORD, "password2": PASSWORD})
    user = User.objects.get(email="new.person@a.example.com")
    assert (user.membership.clinic, user.membership.role) == (clinic_a, Role.PRACTITIONER)
    assert client.get(link).status_code == 410
    assert _login(client, "new.person@a.example.com").status_code == 302


def test_an_invitation_for_an_existing_account_is_refused(owner_client, practitioner):
    response = owner_client.post(reverse("accounts:staff"), {"email": practitioner.email, "role": "front_desk"})
    assert "already has a Knotwork account" in response.text
    assert not Invitation.objects.exists()


def test_owner_changes_a_role_and_deactivates_a_member(owner_client, practitioner):
    membership = practitioner.membership
    owner_client.post(reverse("accounts:member_role", args=[membership.public_id]), {"role": "front_desk"})
    owner_client.post(reverse("accounts:member_active", args=[membership.public_id]), {"active": "no"})
    membership.refresh_from_db()
    practitioner.refresh_from_db()
    assert membership.role == Role.FRONT_DESK
    assert not membership.is_active
    assert not practitioner.is_active


def test_the_last_owner_cannot_step_down(owner_client, owner):
    response = owner_client.post(
        reverse("accounts:member_role", args=[owner.membership.public_id]), {"role": "practitioner"}, follow=True
    )
    assert "at least one active owner" in response.text
    assert Membership.objects.get(user=owner).role == Role.OWNER


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_only_owners_manage_staff_settings_and_audit(db, request, persona):
    client = request.getfixturevalue(persona)
    for name in ("accounts:staff", "clinics:settings", "audit:list"):
        assert client.get(reverse(name)).status_code == 403


def test_owner_admin_lists_only_own_clinic_patients(owner_client, clinic_a, clinic_b):
    from knotwork.patients.tests.factories import PatientFactory

    PatientFactory(clinic=clinic_a, last_name="Adminmine")
    PatientFactory(clinic=clinic_b, last_name="Admintheirs")
    page = owner_client.get("/admin/patients/patient/")
    assert page.status_code == 200
    assert "Adminmine" in page.text
    assert "Admintheirs" not in page.text


def test_owner_cannot_change_records_through_the_admin(owner_client, clinic_a):
    from knotwork.clinics.models import Membership, Role
    from knotwork.patients.tests.factories import PatientFactory

    patient = PatientFactory(clinic=clinic_a, last_name="Unchanged")
    change_url = f"/admin/patients/patient/{patient.pk}/change/"
    page = owner_client.get(change_url)
    assert page.status_code == 200
    assert "Save" not in page.text  # the page shows the record, read-only
    answer = owner_client.post(change_url, {"last_name": "Changed", "first_name": patient.first_name})
    assert answer.status_code == 403
    patient.refresh_from_db()
    assert patient.last_name == "Unchanged"
    owner_membership = Membership.objects.get(clinic=clinic_a, role=Role.OWNER)
    settings_url = f"/admin/clinics/clinicsettings/{clinic_a.settings.pk}/change/"
    assert owner_client.post(settings_url, {"hold_seconds_max": "5"}).status_code == 403
    assert owner_client.get("/admin/clinics/clinic/add/").status_code == 403
    assert Membership.objects.get(pk=owner_membership.pk).role == Role.OWNER


def test_practitioners_cannot_enter_the_admin(practitioner_client):
    assert practitioner_client.get("/admin/").status_code == 302


def test_one_users_failures_do_not_lock_out_a_colleague_at_the_same_address(client, practitioner, front_desk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, practitioner.email, "wrong-password-1")
    assert _login(client, practitioner.email).status_code == 429
    assert _login(client, front_desk.email).status_code == 302
