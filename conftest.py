"""Personas for every test: owner, practitioner and front desk at clinic A; an owner and a practitioner at clinic B."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from knotwork.accounts.tests.factories import UserFactory
from knotwork.clinics.models import Role
from knotwork.clinics.services import add_member, create_clinic

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def clinic_a(db):
    return create_clinic(name="Clinic A Myotherapy")


@pytest.fixture
def clinic_b(db):
    return create_clinic(name="Clinic B Pain Centre")


def _member(clinic, role, email):
    user = UserFactory(email=email)
    add_member(clinic=clinic, user=user, role=role)
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


def _client_for(client, user):
    client.force_login(user)
    return client


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
