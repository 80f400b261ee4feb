"""Staff invitations keep only a hash of their token; the email task gets the invitation's id and nothing else."""

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from knotwork.accounts import selectors, services
from knotwork.accounts.models import Invitation, invitation_token
from knotwork.accounts.tasks import send_invitation_email
from knotwork.core import tokens

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _invite(owner, email="new@a.example.com"):
    return services.invite_staff(clinic=owner.membership.clinic, email=email, role="practitioner", by=owner)


def _emailed_link(message) -> str:
    return re.search(r"https?://\S+?(/join/\S+?/)", message.body).group(1)


def test_an_invitation_stores_only_the_hash_of_the_token_it_emails(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner)
    link = _emailed_link(mail.outbox[0])
    token = link.removeprefix("/join/").rstrip("/")
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    assert row["token_hash"] == tokens.hash_token(token)
    assert selectors.get_invitation_by_token(token) == invitation


def test_the_invitation_task_is_queued_with_the_invitation_id_only(owner, django_capture_on_commit_callbacks):
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [], "kwargs": {"invitation_id": invitation.pk}}
    assert invitation_token(invitation) not in json.dumps(queued.args_kwargs)
    assert not mail.outbox
    send_invitation_email.call(**queued.args_kwargs["kwargs"])  # what the worker does
    assert f"/join/{invitation_token(invitation)}/" in mail.outbox[0].body


def test_an_invitation_made_under_another_secret_key_is_not_emailed_with_a_link_that_would_not_open(
    owner, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DATABASE_TASKS), django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner)
    with override_settings(SECRET_KEY="another-installation-key-" + "y" * 40):
        send_invitation_email.call(invitation_id=invitation.pk)
    assert not mail.outbox


@pytest.mark.parametrize("token", ["not-a-token", "x" * 101])
def test_a_wrong_or_overlong_invitation_token_is_not_found(client, owner, token):
    _invite(owner)
    assert client.get(reverse("accounts:accept_invitation", args=[token])).status_code == 404


def test_an_invitation_sent_before_tokens_were_hashed_still_opens(client, owner):
    # Migration 0003 renames the plain-text column to token_hash, then hashes what it holds in place.
    migration = importlib.import_module("knotwork.accounts.migrations.0003_invitation_token_hash")
    raw = tokens.new_token()
    early = _invite(owner, email="early@a.example.com")
    Invitation.objects.filter(pk=early.pk).update(token_hash=raw)  # as the rename leaves it
    migration.hash_tokens(django_apps, None)
    assert Invitation.objects.get(pk=early.pk).token_hash == tokens.hash_token(raw)
    page = client.get(reverse("accounts:accept_invitation", args=[raw]))
    assert page.status_code == 200
    assert "Join Clinic A Myotherapy" in page.text
