"""Check-ins go out at the clinic's hours after a session, once; answers raise the flags a clinician must see."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import SystemActor
from knotwork.followup import selectors, services
from knotwork.followup.models import CheckInStatus, FlagKind
from knotwork.messaging.models import MessageStatus, PatientMessage
from knotwork.patients.tests.factories import as_patient
from knotwork.portal.models import LinkPurpose, PatientLink
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

SWEEP = SystemActor("test sweep")  # the task worker or `manage.py send_due_messages`

SESSION_END = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def finished_session(clinic, by, *, email="sam@example.org"):
    patient = screened(clinic, by)
    patient.email = email
    patient.save()
    with time_machine.travel(SESSION_END - datetime.timedelta(minutes=45), tick=False):
        session = treatment.start_session(patient=patient, by=by, pain_before=6)
    with time_machine.travel(SESSION_END, tick=False):
        treatment.finish_session(session=session, by=by, pain_after=3)
    session.refresh_from_db()
    return session


def token_from(message) -> str:
    return message.body.split("/p/")[1].split("/")[0]


def test_finishing_a_session_plans_check_ins_at_the_clinic_hours(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    check_ins = list(session.check_ins.order_by("due_at"))
    assert [c.hours_after for c in check_ins] == [24, 36]
    assert [c.due_at for c in check_ins] == [SESSION_END + datetime.timedelta(hours=h) for h in (24, 36)]
    assert [c.is_last for c in check_ins] == [False, True]
    # Finishing again (or re-planning) does not double them.
    services.schedule_check_ins(by=SWEEP, session=session)
    assert session.check_ins.count() == 2


def test_the_clinic_setting_moves_the_check_ins(clinic_a, practitioner):
    clinic_a.settings.soreness_fade_hours_min = 12
    clinic_a.settings.soreness_fade_hours_max = 48
    clinic_a.settings.save()
    session = finished_session(clinic_a, practitioner)
    assert sorted(session.check_ins.values_list("hours_after", flat=True)) == [12, 48]


def test_check_ins_go_out_at_24_h_and_36_h_and_only_once(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    mail.outbox.clear()
    just_before = SESSION_END + datetime.timedelta(hours=23, minutes=59)
    assert services.send_due_check_ins(by=SWEEP, now=just_before) == 0
    assert mail.outbox == []

    at_24 = SESSION_END + datetime.timedelta(hours=24)
    with time_machine.travel(at_24, tick=False):
        out = io.StringIO()
        call_command("send_due_messages", stdout=out)
    assert "Sent 1 check-in(s)" in out.getvalue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert "24 hours after your session" in mail.outbox[0].body
    first = session.check_ins.get(hours_after=24)
    assert first.status == CheckInStatus.SENT
    assert session.check_ins.get(hours_after=36).status == CheckInStatus.SCHEDULED
    assert services.send_due_check_ins(by=SWEEP, now=at_24 + datetime.timedelta(hours=1)) == 0  # not twice

    at_36 = SESSION_END + datetime.timedelta(hours=36)
    assert services.send_due_check_ins(by=SWEEP, now=at_36) == 1
    assert len(mail.outbox) == 2
    assert "36 hours after your session" in mail.outbox[1].body
    assert PatientMessage.objects.filter(patient=session.patient, purpose="check_in", status="sent").count() == 2


def test_a_deferring_worker_gets_the_check_in_at_its_due_time(
    clinic_a, practitioner, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            session = finished_session(clinic_a, practitioner)
        run_after = sorted(result.task.run_after for result in default_task_backend.results)
        default_task_backend.clear()
    assert run_after == [SESSION_END + datetime.timedelta(hours=24), SESSION_END + datetime.timedelta(hours=36)]
    assert session.check_ins.filter(status=CheckInStatus.SCHEDULED).count() == 2


def test_a_patient_without_email_is_recorded_as_unreachable_for_the_front_desk_to_phone(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner, email="")
    services.send_due_check_ins(by=SWEEP, now=SESSION_END + datetime.timedelta(hours=24))
    message = PatientMessage.objects.get(patient=session.patient)
    assert message.status == MessageStatus.UNREACHABLE
    assert mail.outbox == []


def answer(session, hours, **answers):
    check_in = session.check_ins.get(hours_after=hours)
    defaults = {"soreness": 2, "pain": 3}
    return services.record_check_in(check_in=check_in, by=as_patient(session.patient), **(defaults | answers))


def test_lasting_soreness_at_the_last_check_in_raises_a_flag_at_the_clinic_threshold(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    assert answer(session, 24, soreness=7) == []  # the first check-in: soreness is expected
    flags = answer(session, 36, soreness=4)  # threshold 4 (clinic default)
    assert [f.kind for f in flags] == [FlagKind.LASTING_SORENESS]
    assert "4/10" in flags[0].detail
    assert flags[0].practitioner == practitioner


def test_soreness_below_the_threshold_raises_nothing(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    assert answer(session, 36, soreness=3) == []


def test_neuro_symptoms_adverse_events_and_new_symptoms_each_raise_a_flag(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    flags = answer(
        session,
        24,
        neuro_symptoms=["numbness", "weakness"],
        adverse_event="Fainted in the car park",
        new_symptom="Headache since last night",
    )
    assert {f.kind for f in flags} == {FlagKind.NEURO_SYMPTOM, FlagKind.ADVERSE_EVENT, FlagKind.WORRYING_SYMPTOM}
    neuro = next(f for f in flags if f.kind == FlagKind.NEURO_SYMPTOM)
    assert "numbness, weakness in an arm or leg" in neuro.detail


@pytest.mark.parametrize(
    "answers",
    [{"soreness": 11}, {"pain": -1}, {"neuro_symptoms": ["third eye"]}, {"soreness": True}],
)
def test_impossible_answers_are_refused_and_nothing_is_saved(clinic_a, practitioner, answers):
    session = finished_session(clinic_a, practitioner)
    with pytest.raises(ValidationError):
        answer(session, 24, **answers)
    check_in = session.check_ins.get(hours_after=24)
    assert check_in.status == CheckInStatus.SCHEDULED
    assert check_in.soreness is None


def test_a_check_in_is_answered_once(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    answer(session, 24)
    with pytest.raises(ClinicRuleError, match="already answered"):
        answer(session, 24)


def test_the_emailed_link_opens_the_check_in_and_works_once(client, clinic_a, practitioner):
    finished_session(clinic_a, practitioner)
    with time_machine.travel(SESSION_END + datetime.timedelta(hours=36, minutes=5), tick=False):
        services.send_due_check_ins(by=SWEEP)
        token = token_from(mail.outbox[-1])
        url = reverse("portal:entry", args=[token])
        page = client.get(url, follow=True)  # the link opens the check-in at an address without the token
        assert page.status_code == 200
        assert "How are you after your session?" in page.text
        assert page.redirect_chain == [(reverse("portal:answer_check_in"), 302)]
        form_url = reverse("portal:answer_check_in")
        bad = client.post(form_url, {"soreness": "12", "pain": "3"})
        assert bad.status_code == 200
        assert "Choose a number from 0 to 10" in bad.text
        assert 'value="3" checked' in bad.text  # what the patient chose is kept
        done = client.post(form_url, {"soreness": "6", "pain": "3", "neuro_symptoms": ["pins_and_needles"]})
        assert "Thank you" in done.text
        assert "You told us about a new symptom" in done.text
        assert client.get(url).status_code == 410
    flags = selectors.list_open_flags(practitioner)
    assert {f.kind for f in flags} == {FlagKind.LASTING_SORENESS, FlagKind.NEURO_SYMPTOM}


def test_a_check_in_link_expires_a_day_after_it_was_due(client, clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    services.send_due_check_ins(by=SWEEP, now=SESSION_END + datetime.timedelta(hours=24))
    link = PatientLink.objects.get(purpose=LinkPurpose.CHECK_IN, check_in__hours_after=24)
    assert link.expires_at == SESSION_END + datetime.timedelta(hours=48)
    token = token_from(mail.outbox[-1])
    with time_machine.travel(SESSION_END + datetime.timedelta(hours=48, minutes=1), tick=False):
        assert client.get(reverse("portal:entry", args=[token])).status_code == 410
        missed = selectors.check_ins_missed(practitioner)
        assert [c.hours_after for c in missed] == [24]
    assert session.check_ins.get(hours_after=24).status == CheckInStatus.SENT


def test_the_dashboard_shows_flags_check_ins_and_resolving_a_flag_needs_a_note(practitioner_client, practitioner):
    session = finished_session(practitioner.membership.clinic, practitioner)
    flags = answer(session, 24, adverse_event="Large bruise on the calf")
    with time_machine.travel(SESSION_END + datetime.timedelta(hours=30), tick=False):
        page = practitioner_client.get(reverse("followup:dashboard"))
        assert "Adverse event reported" in page.text
        assert "Large bruise on the calf" in page.text
        assert "36 h check-in" in page.text  # due within the day
        url = reverse("followup:flag_resolve", args=[flags[0].public_id])
        short = practitioner_client.post(url, {"resolution": "ok"})
        assert short.status_code == 200
        flags[0].refresh_from_db()
        assert flags[0].status == "open"
        practitioner_client.post(url, {"resolution": "Phoned: bruise only, advised cold pack."})
        flags[0].refresh_from_db()
        assert flags[0].status == "resolved"
        assert flags[0].resolved_by == practitioner
        assert "Large bruise" not in practitioner_client.get(reverse("followup:dashboard")).text


def test_another_clinic_cannot_see_or_resolve_a_flag(practitioner_b_client, clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    flag = answer(session, 24, adverse_event="Fainted")[0]
    assert "Fainted" not in practitioner_b_client.get(reverse("followup:dashboard")).text
    response = practitioner_b_client.post(
        reverse("followup:flag_resolve", args=[flag.public_id]), {"resolution": "Closing someone else's flag"}
    )
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


def test_front_desk_sees_the_dashboard_but_cannot_resolve_flags(front_desk_client, front_desk, practitioner):
    session = finished_session(practitioner.membership.clinic, practitioner)
    flag = answer(session, 24, new_symptom="Dizzy")[0]
    page = front_desk_client.get(reverse("followup:dashboard"))
    assert "Dizzy" in page.text
    assert (
        front_desk_client.post(
            reverse("followup:flag_resolve", args=[flag.public_id]), {"resolution": "Not mine to close"}
        ).status_code
        == 403
    )


def test_staff_make_a_fresh_check_in_link_and_the_old_one_stops(client, practitioner_client, practitioner):
    session = finished_session(practitioner.membership.clinic, practitioner)
    services.send_due_check_ins(by=SWEEP, now=SESSION_END + datetime.timedelta(hours=24))
    old_token = token_from(mail.outbox[-1])
    check_in = session.check_ins.get(hours_after=24)
    with time_machine.travel(SESSION_END + datetime.timedelta(hours=25), tick=False):
        response = practitioner_client.post(reverse("followup:check_in_link", args=[check_in.public_id]), follow=True)
        assert "New check-in link" in response.text
        new_token = response.text.split("/p/")[1].split("/")[0]
        patient_browser = Client()  # not the staff client: a signed-in browser opens no patient link
        assert patient_browser.get(reverse("portal:entry", args=[old_token])).status_code == 410
        assert patient_browser.get(reverse("portal:entry", args=[new_token]), follow=True).status_code == 200


def test_a_check_in_the_worker_missed_is_not_sent_days_late(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    three_days_on = SESSION_END + datetime.timedelta(days=3)
    assert services.send_due_check_ins(by=SWEEP, now=three_days_on) == 0
    assert mail.outbox == []
    assert [c.hours_after for c in selectors.check_ins_missed(practitioner, now=three_days_on)] == [36, 24]
    assert {c.status_text for c in session.check_ins.all()} == {"Missed"}


def test_a_check_in_cannot_be_answered_or_linked_before_its_time(practitioner_client, clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    check_in = session.check_ins.get(hours_after=36)
    with time_machine.travel(SESSION_END + datetime.timedelta(minutes=6), tick=False):
        with pytest.raises(ClinicRuleError, match="This check-in opens on"):
            services.record_check_in(check_in=check_in, soreness=6, pain=5, by=as_patient(check_in.patient))
        response = practitioner_client.post(reverse("followup:check_in_link", args=[check_in.public_id]), follow=True)
    assert "This check-in opens on" in response.text
    assert not PatientLink.objects.filter(check_in=check_in).exists()


def test_the_dashboard_does_not_query_per_row(practitioner_client, clinic_a, practitioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with (
            time_machine.travel(SESSION_END + datetime.timedelta(hours=30), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert practitioner_client.get(reverse("followup:dashboard")).status_code == 200
        return len(queries)

    answer(finished_session(clinic_a, practitioner), 24, adverse_event="Bruise")
    count()  # the first page at the travelled-to time re-checks the session's second factor (once a minute)
    one = count()
    for _ in range(4):
        answer(finished_session(clinic_a, practitioner), 24, adverse_event="Bruise", new_symptom="Dizzy")
    assert count() == one
