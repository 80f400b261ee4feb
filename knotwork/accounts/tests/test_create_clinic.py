import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from knotwork.accounts.models import Invitation, invitation_token
from knotwork.clinics.models import Clinic, Role


def test_create_clinic_invites_its_first_owner(db, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_clinic", "Lakeside Myotherapy", "--owner", "Boss@Lakeside.example.com")
    clinic = Clinic.objects.get(name="Lakeside Myotherapy")
    invitation = Invitation.objects.get(clinic=clinic)
    assert (invitation.email, invitation.role) == ("boss@lakeside.example.com", Role.OWNER)
    assert invitation_token(invitation) in capsys.readouterr().out
    assert mail.outbox[0].to == ["boss@lakeside.example.com"]
    assert clinic.settings.hold_seconds_max == 30


def test_create_clinic_refuses_a_bad_email_and_creates_nothing(db):
    with pytest.raises(CommandError, match="not an email address"):
        call_command("create_clinic", "Lakeside", "--owner", "not-an-email")
    assert not Clinic.objects.exists()
