"""Treatment plans: the clinic's course defaults, booking the course, and an honest review at its end."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import SystemActor
from knotwork.followup import services as followup
from knotwork.followup.models import Flag, FlagKind
from knotwork.followup.services import flag_courses_without_response
from knotwork.outcomes.selectors import course_review
from knotwork.patients.tests.factories import as_patient
from knotwork.plans import services
from knotwork.plans.models import PlanStatus
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

SWEEP = SystemActor("test sweep")  # the task worker or `manage.py send_due_messages`

MONDAY = datetime.date(2026, 3, 2)  # Europe/London is on GMT until 29 March


def clinic_hours(clinic, owner, practitioner):
    clinic.time_zone = "Europe/London"
    clinic.save()
    kind = scheduling.create_appointment_type(clinic=clinic, name="Treatment", duration_minutes=45, by=owner)
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(5)],
        by=owner,
    )
    return kind


# MONDAY is months before the tests run: these courses are recorded with the override a clinician would give.
RECORDED = "Course recorded from the paper notes"


def new_plan(clinic, practitioner, **changes):
    patient = screened(clinic, practitioner)
    values = {"starts_on": MONDAY, "techniques": ["manual_therapy"], "override_reason": RECORDED} | changes
    return services.create_plan(patient=patient, practitioner=practitioner, by=practitioner, **values)


def test_a_plan_takes_the_clinic_course_defaults(clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    assert (plan.window_days_min, plan.window_days_max, plan.max_sessions) == (4, 14, 4)
    assert plan.ends_on == MONDAY + datetime.timedelta(days=14)
    assert plan.relief_from == MONDAY + datetime.timedelta(days=4)


def test_a_clinic_that_changed_its_defaults_gets_its_own(clinic_a, practitioner):
    clinic_a.settings.course_window_days_max = 21
    clinic_a.settings.course_max_sessions = 6
    clinic_a.settings.save()
    plan = new_plan(clinic_a, practitioner)
    assert (plan.window_days_max, plan.max_sessions) == (21, 6)


def test_one_active_course_per_patient(clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    with pytest.raises(ClinicRuleError, match="already has an active course"):
        services.create_plan(
            patient=plan.patient, practitioner=practitioner, by=practitioner, starts_on=MONDAY, techniques=[]
        )
    services.end_plan(plan=plan, by=practitioner, status="stopped", reason="Referred to the GP")
    # A new course is allowed once the last one ended.
    again = services.create_plan(
        patient=plan.patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=MONDAY,
        techniques=[],
        override_reason=RECORDED,
    )
    assert again.status == PlanStatus.ACTIVE


def test_a_session_started_during_a_course_belongs_to_it(clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    session = treatment.start_session(patient=plan.patient, by=practitioner, pain_before=6)
    assert session.plan == plan


def test_a_course_does_not_end_while_one_of_its_sessions_is_in_progress(clinic_a, practitioner):
    # plans asks through knotwork.plans.hooks.course_ending; treatment, a floor above, answers.
    plan = new_plan(clinic_a, practitioner)
    session = treatment.start_session(patient=plan.patient, by=practitioner, pain_before=6)
    with pytest.raises(ClinicRuleError, match="still in progress: finish it first"):
        services.end_plan(plan=plan, by=practitioner, status="completed")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    treatment.finish_session(session=session, by=practitioner, pain_after=3)
    assert services.end_plan(plan=plan, by=practitioner, status="completed").status == PlanStatus.COMPLETED


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_the_practitioner_books_a_course_spread_across_the_window(practitioner_client, clinic_a, owner, practitioner):
    kind = clinic_hours(clinic_a, owner, practitioner)
    plan = new_plan(clinic_a, practitioner)
    url = reverse("plans:propose", args=[plan.public_id])
    page = practitioner_client.get(
        url,
        {
            "practitioner": practitioner.membership.public_id,
            "appointment_type": kind.public_id,
            "preferred_time": "10:00",
        },
    )
    proposals = page.context["proposals"]
    local = [slot.astimezone(clinic_a.tzinfo) for slot in proposals]
    assert [(s.date(), s.time()) for s in local] == [
        (MONDAY, datetime.time(10)),
        (MONDAY + datetime.timedelta(days=3), datetime.time(10)),
        (MONDAY + datetime.timedelta(days=7), datetime.time(10)),
        (MONDAY + datetime.timedelta(days=10), datetime.time(10)),
    ]
    assert "Monday 2 March, 10:00" in page.text
    response = practitioner_client.post(
        url,
        {
            "practitioner": practitioner.membership.public_id,
            "appointment_type": kind.public_id,
            "preferred_time": "10:00",
            "slots": [slot.isoformat() for slot in proposals],
        },
    )
    assert response.status_code == 302
    booked = Appointment.objects.filter(plan=plan).order_by("starts_at")
    assert [a.starts_at for a in booked] == proposals
    # The course is full: nothing more is proposed, and booking more is refused.
    again = practitioner_client.get(url)
    assert "All sessions of this course are booked or done" in again.text


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_a_slot_taken_meanwhile_stops_the_whole_booking_with_a_message(
    practitioner_client, clinic_a, owner, practitioner
):
    kind = clinic_hours(clinic_a, owner, practitioner)
    plan = new_plan(clinic_a, practitioner)
    other = screened(clinic_a, practitioner)
    slot = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=clinic_a.tzinfo)
    data = {
        "practitioner": practitioner.membership.public_id,
        "appointment_type": kind.public_id,
        "slots": [slot.isoformat(), (slot + datetime.timedelta(days=1)).isoformat()],
    }
    scheduling.book_appointment(
        patient=other, practitioner=practitioner, appointment_type=kind, starts_at=slot, by=owner
    )
    response = practitioner_client.post(reverse("plans:propose", args=[plan.public_id]), data)
    assert response.status_code == 200
    assert "taken meanwhile" in response.text
    assert not Appointment.objects.filter(plan=plan).exists()


def test_booking_more_than_the_course_allows_is_refused(clinic_a, owner, practitioner):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        kind = clinic_hours(clinic_a, owner, practitioner)
        plan = new_plan(clinic_a, practitioner, max_sessions=2)
        slots = [datetime.datetime(2026, 3, d, 10, 0, tzinfo=clinic_a.tzinfo) for d in (2, 4, 6)]
        with pytest.raises(ClinicRuleError, match="allows 2 sessions"):
            services.book_course(plan=plan, appointment_type=kind, slots=slots, by=practitioner)
        with pytest.raises(ClinicRuleError, match="outside the course window"):
            services.book_course(
                plan=plan,
                appointment_type=kind,
                slots=[datetime.datetime(2026, 3, 20, 10, 0, tzinfo=clinic_a.tzinfo)],
                by=practitioner,
            )
    assert not Appointment.objects.exists()


def test_front_desk_books_the_course_but_cannot_write_the_plan(front_desk_client, clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    assert front_desk_client.get(reverse("plans:create", args=[plan.patient.public_id])).status_code == 403
    assert front_desk_client.get(reverse("chart:course", args=[plan.public_id])).status_code == 200
    assert (
        front_desk_client.post(
            reverse("plans:goal_add", args=[plan.public_id]), {"goal-description": "x", "goal-measure": "pain"}
        ).status_code
        == 403
    )


def test_another_clinic_gets_404_on_the_plan(practitioner_b_client, clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    for name in ("chart:course", "plans:propose", "reports:course_review_pdf"):
        assert practitioner_b_client.get(reverse(name, args=[plan.public_id])).status_code == 404


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_the_plan_form_starts_from_the_clinic_settings_and_keeps_typed_values_on_error(
    practitioner_client, clinic_a, practitioner
):
    patient = screened(clinic_a, practitioner)
    url = reverse("plans:create", args=[patient.public_id])
    page = practitioner_client.get(url)
    assert 'name="window_days_max" value="14"' in page.text
    assert 'name="max_sessions" value="4"' in page.text
    bad = practitioner_client.post(
        url,
        {
            "practitioner": practitioner.membership.public_id,
            "starts_on": "2026-03-02",
            "window_days_min": "10",
            "window_days_max": "5",
            "max_sessions": "4",
            "techniques": ["manual_therapy"],
            "notes": "Focus on the upper trapezius",
            "goal-description": "Sit through a meeting",
            "goal-measure": "pain",
            "goal-target": "",
        },
    )
    assert bad.status_code == 200
    assert "must not be before its start" in bad.text
    assert "Focus on the upper trapezius" in bad.text
    assert "Sit through a meeting" in bad.text
    good = practitioner_client.post(
        url,
        {
            "practitioner": practitioner.membership.public_id,
            "starts_on": "2026-03-02",
            "window_days_min": "4",
            "window_days_max": "14",
            "max_sessions": "4",
            "techniques": ["manual_therapy", "dry_needling"],
            "goal-description": "Sit through a one-hour meeting",
            "goal-measure": "pain",
            "goal-baseline": "6",
            "goal-target": "3",
        },
    )
    plan = patient.plans.get()
    assert good.url == reverse("plans:propose", args=[plan.public_id])
    assert plan.goals.get().target == 3
    assert plan.techniques == ["manual_therapy", "dry_needling"]


def pain_course(clinic, practitioner, first: int, later: int):
    """A course with a first session at pain `first`, then a check-in at `later`."""
    plan = new_plan(clinic, practitioner)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        session = treatment.start_session(patient=plan.patient, by=practitioner, pain_before=first)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        treatment.finish_session(session=session, by=practitioner, pain_after=max(first - 3, 0))
    check_in = session.check_ins.get(is_last=True)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 22, 0, tzinfo=datetime.UTC), tick=False):
        followup.record_check_in(check_in=check_in, soreness=1, pain=later, by=as_patient(plan.patient))
    return plan


@pytest.mark.parametrize(
    ("first", "later", "responder", "by_points", "by_percent"),
    [
        (6, 4, True, True, True),  # -2 (33 %): both rules
        (9, 7, True, True, False),  # -2 (22 %): points only
        (3, 2, True, False, True),  # -1 (33 %): percent only
        (5, 4, False, False, False),  # -1 (20 %): neither
        (0, 0, False, False, None),  # baseline 0: percent not evaluable
    ],
)
def test_the_course_review_applies_the_clinic_responder_rule(
    clinic_a, practitioner, first, later, responder, by_points, by_percent
):
    plan = pain_course(clinic_a, practitioner, first, later)
    review = course_review(plan, today=datetime.date(2026, 3, 20))
    assert review.due
    assert (review.baseline.value, review.latest.value) == (first, later)
    assert review.latest.source == "check-in"
    assert (review.responder, review.response.by_points, review.response.by_percent) == (
        responder,
        by_points,
        by_percent,
    )
    assert review.needs_reassessment is not responder


def test_the_responder_thresholds_are_clinic_settings(clinic_a, practitioner):
    clinic_a.settings.responder_points = 3
    clinic_a.settings.responder_percent = 50
    clinic_a.settings.save()
    plan = pain_course(clinic_a, practitioner, 6, 4)
    assert course_review(plan, today=datetime.date(2026, 3, 20)).responder is False


def test_the_pain_just_after_a_session_does_not_count_as_the_course_outcome(clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    session = treatment.start_session(patient=plan.patient, by=practitioner, pain_before=7)
    treatment.finish_session(session=session, by=practitioner, pain_after=1)
    review = course_review(plan, today=datetime.date(2026, 3, 20))
    assert review.response is None


def test_a_course_that_ends_without_a_response_raises_a_reassess_flag_once(clinic_a, practitioner):
    plan = pain_course(clinic_a, practitioner, 5, 4)
    assert flag_courses_without_response(by=SWEEP, today=datetime.date(2026, 3, 10)) == 0  # window still open
    assert flag_courses_without_response(by=SWEEP, today=datetime.date(2026, 3, 16)) == 1
    assert flag_courses_without_response(by=SWEEP, today=datetime.date(2026, 3, 17)) == 0
    flag = Flag.objects.get(kind=FlagKind.NOT_RESPONDING)
    assert flag.plan == plan
    assert "Pain 5 → 4" in flag.detail
    followup.resolve_flag(flag=flag, by=practitioner, resolution="Reassessed: referred for imaging.")
    assert flag_courses_without_response(by=SWEEP, today=datetime.date(2026, 3, 18)) == 0
    assert Flag.objects.filter(kind=FlagKind.NOT_RESPONDING).count() == 1


def test_the_review_on_the_plan_page_says_responder_or_not_and_flags_reassessment(
    practitioner_client, clinic_a, practitioner
):
    plan = pain_course(clinic_a, practitioner, 5, 4)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = practitioner_client.get(plan.get_absolute_url())
    assert "Not a responder" in page.text
    assert "Reassess or refer" in page.text
    plan = pain_course(clinic_a, practitioner, 6, 3)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = practitioner_client.get(plan.get_absolute_url())
    assert "<strong>Responder</strong>" in page.text
    assert "Reassess or refer" not in page.text


def test_ending_a_course_early_needs_a_reason(clinic_a, practitioner):
    plan = new_plan(clinic_a, practitioner)
    with pytest.raises(ClinicRuleError, match="Say why"):
        services.end_plan(plan=plan, by=practitioner, status="stopped")
    services.end_plan(plan=plan, by=practitioner, status="completed")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    with pytest.raises(ClinicRuleError, match="already completed"):
        services.end_plan(plan=plan, by=practitioner, status="stopped", reason="Changed my mind")


def test_the_review_shows_the_pain_chart_and_downloads_as_a_pdf_with_the_same_chart(
    practitioner_client, clinic_a, practitioner
):
    plan = pain_course(clinic_a, practitioner, 6, 3)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = practitioner_client.get(plan.get_absolute_url())
        pdf = practitioner_client.get(reverse("reports:course_review_pdf", args=[plan.public_id]))
    assert page.text.count('role="img"') == 1
    assert "Pain during the course" in page.text
    assert "responder threshold 4" in page.text  # baseline 6 minus the clinic's 2 points
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_pain_rating_questionnaire_counts_in_the_review_inside_the_course_only(clinic_a, practitioner):
    from knotwork.outcomes.services import record_questionnaire

    plan = pain_course(clinic_a, practitioner, 6, 5)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        record_questionnaire(patient=plan.patient, instrument="nprs", occasion="check_in", answers=[3], by=practitioner)
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        record_questionnaire(patient=plan.patient, instrument="nprs", occasion="other", answers=[9], by=practitioner)
    review = course_review(plan, today=datetime.date(2026, 3, 20))
    assert (review.latest.value, review.latest.source) == (3, "pain rating")
    assert review.responder is True


def test_appointments_already_booked_in_the_window_count_in_the_course(clinic_a, owner, practitioner):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        kind = clinic_hours(clinic_a, owner, practitioner)
        patient = screened(clinic_a, practitioner)
        earlier = scheduling.book_appointment(
            patient=patient,
            practitioner=practitioner,
            appointment_type=kind,
            starts_at=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=clinic_a.tzinfo),
            by=owner,
        )
        plan = services.create_plan(
            patient=patient, practitioner=practitioner, by=practitioner, starts_on=MONDAY, techniques=[]
        )
        earlier.refresh_from_db()
        assert earlier.plan == plan
        assert services.sessions_left_to_book(plan) == 3
        two_overlapping = [
            datetime.datetime(2026, 3, 5, 14, 0, tzinfo=clinic_a.tzinfo),
            datetime.datetime(2026, 3, 5, 14, 15, tzinfo=clinic_a.tzinfo),
        ]
        with pytest.raises(ClinicRuleError, match="Two of the chosen times overlap"):
            services.book_course(plan=plan, appointment_type=kind, slots=two_overlapping, by=owner)
        four = [datetime.datetime(2026, 3, d, 10, 0, tzinfo=clinic_a.tzinfo) for d in (4, 6, 9, 11)]
        with pytest.raises(ClinicRuleError, match="You chose 4 appointments"):
            services.book_course(plan=plan, appointment_type=kind, slots=four, by=owner)


def test_stopping_a_course_cancels_its_future_appointments(clinic_a, owner, practitioner):
    from knotwork.scheduling.models import AppointmentStatus

    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        kind = clinic_hours(clinic_a, owner, practitioner)
        plan = new_plan(clinic_a, practitioner)
        booked = services.book_course(
            plan=plan,
            appointment_type=kind,
            slots=[datetime.datetime(2026, 3, d, 10, 0, tzinfo=clinic_a.tzinfo) for d in (4, 9)],
            by=owner,
        )
        services.end_plan(plan=plan, by=practitioner, status="stopped", reason="Referred to the GP for imaging")
    statuses = {a.status for a in Appointment.objects.filter(pk__in=[a.pk for a in booked])}
    assert statuses == {AppointmentStatus.CANCELLED}
    assert "Referred to the GP" in Appointment.objects.get(pk=booked[0].pk).cancel_reason


def test_goals_and_stretches_are_added_on_the_plan_and_bad_values_are_kept_with_a_message(
    practitioner_client, clinic_a, practitioner
):
    plan = new_plan(clinic_a, practitioner)
    bad_goal = practitioner_client.post(
        reverse("plans:goal_add", args=[plan.public_id]),
        {"goal-description": "Walk the dog for 30 minutes", "goal-measure": "pain", "goal-target": "12"},
    )
    assert "runs from 0 to 10" in bad_goal.text
    assert "Walk the dog for 30 minutes" in bad_goal.text
    practitioner_client.post(
        reverse("plans:goal_add", args=[plan.public_id]),
        {"goal-description": "Walk the dog for 30 minutes", "goal-measure": "pain", "goal-target": "3"},
    )
    bad_stretch = practitioner_client.post(
        reverse("plans:exercise_add", args=[plan.public_id]),
        {
            "exercise-name": "Calf stretch",
            "exercise-hold_seconds": "2",
            "exercise-repetitions": "3",
            "exercise-times_per_day": "2",
        },
    )
    assert bad_stretch.status_code == 200
    assert 'value="Calf stretch"' in bad_stretch.text
    practitioner_client.post(
        reverse("plans:exercise_add", args=[plan.public_id]),
        {
            "exercise-name": "Calf stretch",
            "exercise-hold_seconds": "30",
            "exercise-repetitions": "3",
            "exercise-times_per_day": "2",
        },
    )
    assert [g.description for g in plan.goals.all()] == ["Walk the dog for 30 minutes"]
    assert [e.name for e in plan.home_program.all()] == ["Calf stretch"]
