"""The session store: a signed-in session is read by its key only while it has not expired."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from knotwork.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_store_is_the_one_settings_name():
    assert settings.SESSION_ENGINE == "knotwork.accounts.sessions"


def test_a_saved_session_reads_back_until_it_expires():
    store = SessionStore()
    store["marker"] = "kept"
    store.create()
    assert SessionStore(store.session_key).load() == {"marker": "kept"}

    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: saving now makes a new key, never reuses the old one


def test_an_unknown_key_reads_nothing(client):
    assert SessionStore("x" * 32).load() == {}
    client.cookies[settings.SESSION_COOKIE_NAME] = "y" * 32
    assert client.get("/patients/").status_code == 302  # not signed in: sent to sign in


def test_a_signed_in_page_reads_its_session(practitioner_client):
    assert practitioner_client.get("/patients/").status_code == 200
    key = practitioner_client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert practitioner_client.get("/patients/").status_code == 302
