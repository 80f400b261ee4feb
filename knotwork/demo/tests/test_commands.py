import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from knotwork.clinics.models import Clinic


@override_settings(DEBUG=True)
def test_demo_loads_only_into_an_empty_database(db, capsys):
    call_command("load_demo_clinic", "--if-empty")
    assert Clinic.objects.count() == 2
    call_command("load_demo_clinic", "--if-empty")
    assert Clinic.objects.count() == 2
    with pytest.raises(CommandError, match="already has clinics"):
        call_command("load_demo_clinic")
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "login: owner@harbourside.example.com  password: knotwork-demo  (owner, Harbourside Myotherapy)" in out
    assert out.count("login: ") == 8
    harbourside = Clinic.objects.get(name="Harbourside Myotherapy")
    booking_page = f"/book/{harbourside.public_id}/"
    assert f"http://127.0.0.1:8000{booking_page}" in out


@override_settings(DEBUG=True)
def test_the_demo_clinics_take_bookings_online(db, client):
    call_command("load_demo_clinic", "--if-empty")
    harbourside = Clinic.objects.get(name="Harbourside Myotherapy")
    page = client.get(f"/book/{harbourside.public_id}/")
    assert page.status_code == 200
    assert "First visit" in page.content.decode()


@override_settings(DEBUG=False)
def test_the_demo_is_refused_on_a_production_installation(db):
    with pytest.raises(CommandError, match=r"DEBUG is off.*published password.*--allow-production"):
        call_command("load_demo_clinic")
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_clinic", "--if-empty")
    assert not Clinic.objects.exists()


@override_settings(DEBUG=False)
def test_a_demonstration_server_loads_the_demo_only_with_the_flag_and_a_loud_warning(db, capsys):
    call_command("load_demo_clinic", "--allow-production")
    assert Clinic.objects.count() == 2
    err = capsys.readouterr().err
    assert "WARNING" in err
    assert "knotwork-demo" in err
    assert "authenticator secrets are published" in err


@override_settings(DEBUG=True)
def test_demo_logins_and_codes_are_not_printed_on_a_production_installation(db, capsys):
    call_command("load_demo_clinic")
    capsys.readouterr()
    with override_settings(DEBUG=False):
        for args in ((), ("--codes",)):
            with pytest.raises(CommandError, match="DEBUG is off"):
                call_command("demo_logins", *args)
        assert capsys.readouterr().out == ""
        call_command("demo_logins", "--codes", "--allow-production")
    codes = capsys.readouterr().out
    assert "owner@harbourside.example.com: " in codes
