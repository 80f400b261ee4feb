"""Personas for every test: owner, practitioner and front desk at clinic A; an owner and a practitioner at clinic B."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.db import connection

from knotwork.accounts.middleware import (
    CODE_STEP_TYPES,
    SECOND_FACTOR_CHECKED_KEY,
    mark_second_factor_checked,
    mark_second_factor_passed,
    mark_session_seen,
    must_use_second_factor,
)
from knotwork.accounts.tests.factories import UserFactory
from knotwork.clinics.models import Role
from knotwork.clinics.services import add_member, create_clinic
from knotwork.core.policy import SystemActor

# Clinics and their first staff are made by Knotwork itself (`manage.py create_clinic`, an accepted invitation).
SETUP = SystemActor("test set-up")

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The authenticator's code now, taken early enough in its 30-second step that the server checks the same step
    (allauth allows no drift by default)."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache. Database ids repeat once a test's transaction is rolled back, so a key
    left by an earlier test (a rate-limit count, a two-factor code marked as used for user 1) would otherwise leak
    into the next one on the same worker."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Documents a test stores go to a folder of the test's own, never to the checkout's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def clinic_a(db):
    return create_clinic(name="Clinic A Myotherapy", by=SETUP)


@pytest.fixture
def clinic_b(db):
    return create_clinic(name="Clinic B Pain Centre", by=SETUP)


def _member(clinic, role, email):
    user = UserFactory(email=email)
    add_member(clinic=clinic, user=user, role=role, by=SETUP)
    if role == Role.OWNER:
        TOTP.activate(user, TEST_TOTP_SECRET)
    user.refresh_from_db()
    return user


@pytest.fixture
def owner(clinic_a):
    return _member(clinic_a, Role.OWNER, "owner@a.example.com")


@pytest.fixture
def practitioner(clinic_a):
    return _member(clinic_a, Role.PRACTITIONER, "practitioner@a.example.com")


@pytest.fixture
def front_desk(clinic_a):
    return _member(clinic_a, Role.FRONT_DESK, "desk@a.example.com")


@pytest.fixture
def owner_b(clinic_b):
    return _member(clinic_b, Role.OWNER, "owner@b.example.com")


@pytest.fixture
def practitioner_b(clinic_b):
    return _member(clinic_b, Role.PRACTITIONER, "practitioner@b.example.com")


def sign_in(client, user):
    """Sign a test client in as `user` as Knotwork's sign-in does: with the authenticator code, if they have one."""
    session = client.session
    if session.get(SESSION_KEY) == str(user.pk) and SECOND_FACTOR_CHECKED_KEY in session:
        return client  # still signed in: nothing a page did signed them out
    client.force_login(user)
    session = client.session
    has_authenticator = is_mfa_enabled(user, CODE_STEP_TYPES)
    if has_authenticator:
        mark_second_factor_passed(session, user)
    if has_authenticator or not must_use_second_factor(user):
        mark_second_factor_checked(session)  # the sign-in checks the rule, not the first page
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "ip": "127.0.0.1", "user_agent": "test client"}
    )
    mark_session_seen(session)
    session.save()
    return client


def _client_for(client, user):
    return sign_in(client, user)


@pytest.fixture
def owner_client(client, owner):
    return _client_for(client, owner)


@pytest.fixture
def practitioner_client(client, practitioner):
    return _client_for(client, practitioner)


@pytest.fixture
def front_desk_client(client, front_desk):
    return _client_for(client, front_desk)


@pytest.fixture
def practitioner_b_client(client, practitioner_b):
    return _client_for(client, practitioner_b)


@pytest.fixture
def audit_write_queries(db) -> int:
    """Extra queries one audit write costs beyond SQLite's: PostgreSQL takes the clinic's chain lock first."""
    return 1 if connection.vendor == "postgresql" else 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; on PostgreSQL, end stray sessions on it before it is dropped.

    A thread or subprocess of some test occasionally still holds a connection when the worker finishes, and
    PostgreSQL refuses to drop a database in use, which fails the whole run after every test passed. Each stray
    session is printed (its last statement, not its data) so the test that leaked it can be found and mended.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        strays = cursor.fetchall()
        for pid, application, state, query in strays:
            print(f"\nStray PostgreSQL session {pid} ({application or 'no name'}, {state}): {query}")  # noqa: T201
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
