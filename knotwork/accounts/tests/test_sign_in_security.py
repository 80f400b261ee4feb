"""No session without the second factor, by any route; the code step locks; the lockout sees the real client."""

import datetime
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from conftest import SETUP, TEST_TOTP_SECRET, sign_in
from conftest import totp_code as code_now
from knotwork.accounts import services
from knotwork.accounts.models import Invitation, User, invitation_token
from knotwork.accounts.tests.factories import PASSWORD, UserFactory
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import Role
from knotwork.clinics.services import add_member
from knotwork.core.middleware import client_ip_address
from knotwork.core.policy import NotAllowed

BEHIND_ONE_PROXY = override_settings(KNOTWORK_TRUST_X_FORWARDED_FOR=True, KNOTWORK_PROXY_COUNT=1)


def wrong_code() -> str:
    return format_hotp_value((int(code_now()) + 500_000) % 1_000_000)


def password_step(client, email, password=PASSWORD, *, next_url=None, **headers):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data, **headers)


def is_signed_in(client) -> bool:
    response = client.get(reverse("patients:list"))
    return response.status_code == 200


# --- every route asks for the code ------------------------------------------------------------


def test_the_admin_login_page_never_signs_an_owner_in_with_a_password_alone(client, owner):
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": owner.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    assert client.get(reverse("admin:index")).status_code == 302
    assert not is_signed_in(client)


def test_the_admin_site_signs_in_through_the_password_and_code_steps(client, owner):
    response = client.get(reverse("admin:index"))
    response = client.get(response["Location"])  # the admin's login page hands over to Knotwork's
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    response = password_step(client, owner.email, next_url="/admin/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # not yet
    response = client.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_site_signs_out_through_knotwork(owner_client):
    response = owner_client.post(reverse("admin:logout"))
    assert response.status_code == 302
    assert not is_signed_in(owner_client)


def test_a_session_that_skipped_the_code_step_is_signed_out(client, owner):
    client.force_login(owner)  # a session opened by some other route than the sign-in page
    response = client.get(reverse("patients:list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "authenticator app" in response.text
    assert not is_signed_in(client)


def test_a_practitioner_who_uses_an_authenticator_also_needs_the_code(client, practitioner):
    TOTP.activate(practitioner, TEST_TOTP_SECRET)
    client.force_login(practitioner)
    assert not is_signed_in(client)
    assert password_step(client, practitioner.email)["Location"] == reverse("mfa_authenticate")


def test_the_api_refuses_a_session_that_skipped_the_code_step(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/patients")
    assert response.status_code == 401


def test_the_api_answers_a_session_that_passed_the_code_step(owner_client):
    assert owner_client.get("/api/v1/patients").status_code == 200


@pytest.mark.parametrize("login_on_reset", [False, True])
def test_a_password_reset_does_not_sign_an_owner_in_without_the_code(client, owner, settings, login_on_reset):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = login_on_reset
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-secret-42"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert not is_signed_in(client)
    if login_on_reset:
        assert response["Location"] == reverse("mfa_authenticate")


def test_accepting_an_invitation_to_be_an_owner_does_not_sign_in(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_staff(
            clinic=owner.membership.clinic, email="co@a.example.com", role="owner", by=owner
        )
    link = reverse("accounts:accept_invitation", args=[invitation_token(invitation)])
    response = client.post(
        link, {"first_name": "Co", "last_name": "Owner", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response["Location"] == reverse("account_login")
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    assert not is_signed_in(client)


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator on commit, inside the request
def test_a_new_owner_sets_up_an_authenticator_and_carries_on_in_the_same_session(client, clinic_a):
    new_owner = UserFactory(email="fresh-owner@a.example.com")
    add_member(clinic=clinic_a, user=new_owner, role=Role.OWNER, by=SETUP)
    assert password_step(client, new_owner.email)["Location"] == reverse("home")
    assert client.get(reverse("patients:list"))["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks before any 2FA change
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert Authenticator.objects.filter(user=new_owner, type=Authenticator.Type.TOTP).exists()
    assert is_signed_in(client)


def test_the_api_tells_an_owner_without_an_authenticator_to_set_one_up(client, clinic_a):
    newcomer = UserFactory(email="newowner@clinic-a.example.com")
    add_member(clinic=clinic_a, user=newcomer, role=Role.OWNER, by=SETUP)
    password_step(client, newcomer.email)
    answer = client.get("/api/v1/patients")
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/problem+json"
    assert "authenticator app" in answer.json()["detail"]


def test_a_reset_request_by_anyone_does_not_stop_an_owner_setting_up_an_authenticator(client, clinic_a):
    newcomer = UserFactory(email="resetowner@clinic-a.example.com")
    add_member(clinic=clinic_a, user=newcomer, role=Role.OWNER, by=SETUP)
    Client().post(reverse("account_reset_password"), {"email": newcomer.email})  # a stranger asks for a reset
    password_step(client, newcomer.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks before any 2FA change
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    added = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert added.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()


def test_a_superuser_without_an_authenticator_must_set_one_up(client, db):
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    client.force_login(admin)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


# --- the code step locks after repeated failures ---------------------------------------------


def test_five_wrong_codes_lock_the_code_step_even_for_the_right_code(
    client, owner, settings, django_capture_on_commit_callbacks
):
    password_step(client, owner.email)
    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
            if attempt < settings.AXES_FAILURE_LIMIT - 1:
                assert response.status_code == 200
                assert "Incorrect code" in response.text
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    refused = client.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert refused.status_code == 429
    assert not is_signed_in(client)
    [notice] = mail.outbox
    assert notice.to == [owner.email]
    assert "locked" in notice.subject
    assert "reset" in notice.body


def test_wrong_codes_from_many_addresses_lock_the_account_code_step(
    client_factory, owner, settings, django_capture_on_commit_callbacks
):
    settings.KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT = 6
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(6):  # one wrong code from each of six addresses: below every per-address limit
            browser = client_factory(REMOTE_ADDR=f"198.51.100.{number + 1}")
            password_step(browser, owner.email)
            assert "Incorrect code" in browser.post(reverse("mfa_authenticate"), {"code": wrong_code()}).text
    fresh = client_factory(REMOTE_ADDR="198.51.100.77")
    password_step(fresh, owner.email)
    refused = fresh.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert "Too many wrong codes" in refused.text
    assert not is_signed_in(fresh)
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_the_right_code_clears_earlier_wrong_ones_for_the_account(client, owner, settings):
    settings.KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT = 3
    password_step(client, owner.email)
    for _ in range(2):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
    client.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert is_signed_in(client)
    assert not owner.code_failures.exists()


def test_repeated_wrong_passwords_email_one_notice(client, practitioner, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.AXES_FAILURE_LIMIT + 2):
            password_step(client, practitioner.email, "wrong-password-1")
    assert [m.to for m in mail.outbox] == [[practitioner.email]]


def test_lockouts_from_many_addresses_send_one_notice_per_cool_off(
    client_factory, practitioner, settings, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            browser = client_factory(REMOTE_ADDR=f"203.0.113.{number + 1}")
            for _ in range(settings.AXES_FAILURE_LIMIT):
                password_step(browser, practitioner.email, "wrong-password-1")
    assert [m.to for m in mail.outbox] == [[practitioner.email]]
    time_machine.shift(settings.AXES_COOLOFF_TIME * 2)
    with django_capture_on_commit_callbacks(execute=True):
        browser = client_factory(REMOTE_ADDR="203.0.113.99")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password_step(browser, practitioner.email, "wrong-password-1")
    assert len(mail.outbox) == 2


def test_wrong_passwords_for_an_unknown_address_email_nobody(client, db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password_step(client, "nobody@example.com", "wrong-password-1")
    assert mail.outbox == []


# --- the lockout counts the real client behind the proxy -------------------------------------


@BEHIND_ONE_PROXY
def test_behind_a_proxy_the_lockout_locks_one_address_and_account_not_everyone(client, practitioner, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A client may forge the left of the header; the proxy appends the address it really saw.
        password_step(client, practitioner.email, "wrong-password-1", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7")
    assert password_step(client, practitioner.email, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    elsewhere = password_step(client, practitioner.email, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert elsewhere.status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("trusted", "count", "header", "expected"),
    [
        (False, 1, "203.0.113.5", "127.0.0.1"),  # no proxy declared: the header is the client's own claim
        (True, 1, "203.0.113.5", "203.0.113.5"),
        (True, 1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (True, 2, "203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (True, 1, "203.0.113.5:51234", "203.0.113.5"),
        (True, 1, "[2001:db8::7]:443", "2001:db8::7"),
        (True, 2, "203.0.113.5", "127.0.0.1"),  # fewer hops than proxies: nothing vouched for
        (True, 1, "not-an-address", "127.0.0.1"),
        (True, 1, "", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_proxy_saw(settings, trusted, count, header, expected):
    settings.KNOTWORK_TRUST_X_FORWARDED_FOR = trusted
    settings.KNOTWORK_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR="127.0.0.1")
    assert client_ip_address(request) == expected


@BEHIND_ONE_PROXY
def test_the_audit_trail_records_the_address_the_proxy_saw(owner_client, practitioner):
    owner_client.post(
        reverse("accounts:member_role", args=[practitioner.membership.public_id]),
        {"role": "front_desk"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    entry = AuditEntry.objects.filter(object_pk=str(practitioner.membership.pk)).latest("timestamp")
    assert entry.remote_addr == "198.51.100.7"


# --- sessions: see them, end them -------------------------------------------------------------


def test_a_user_sees_their_sessions_and_signs_out_everywhere(client, client_factory, practitioner):
    laptop, phone = sign_in(client, practitioner), sign_in(client_factory(), practitioner)
    assert is_signed_in(phone)
    page = laptop.get(reverse("usersessions_list"))
    assert page.text.count("<tr>") == 3  # a header row and two sessions
    assert "This browser" in page.text
    laptop.post(reverse("accounts:sessions_end_all"))
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_a_user_signs_out_their_other_sessions_and_stays_signed_in_here(client, client_factory, practitioner):
    laptop, phone = sign_in(client, practitioner), sign_in(client_factory(), practitioner)
    assert is_signed_in(phone)
    laptop.post(reverse("usersessions_list"))
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


def test_the_owner_signs_a_staff_member_out_everywhere_and_the_trail_says_so(
    owner_client, client_factory, practitioner, owner
):
    their_browser = sign_in(client_factory(), practitioner)
    assert is_signed_in(their_browser)
    response = owner_client.post(
        reverse("accounts:member_sessions_end", args=[practitioner.membership.public_id]), follow=True
    )
    assert "signed out everywhere" in response.text
    assert not is_signed_in(their_browser)
    entry = AuditEntry.objects.get(object_pk=str(practitioner.membership.pk), changes__has_key="sessions")
    assert entry.actor == owner


def test_only_an_owner_of_the_same_clinic_ends_someone_elses_sessions(
    practitioner_client, front_desk, owner_b, client_factory
):
    url = reverse("accounts:member_sessions_end", args=[front_desk.membership.public_id])
    their_browser = sign_in(client_factory(), front_desk)
    assert is_signed_in(their_browser)
    assert practitioner_client.post(url).status_code == 403
    assert sign_in(client_factory(), owner_b).post(url).status_code == 404
    with pytest.raises(NotAllowed):
        services.end_sessions(user=front_desk, by=owner_b)
    assert is_signed_in(their_browser)


@pytest.fixture
def client_factory():
    return Client
