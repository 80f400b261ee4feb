"""The aftercare sheet (page and PDF) gives the patient their own home program when the course has one."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from knotwork.atlas.catalog import get_atlas
from knotwork.plans import services as plans
from knotwork.reports.selectors import aftercare_context
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import hold, screened


def treated_session(clinic, practitioner, *, stretches=()):
    patient = screened(clinic, practitioner)
    if stretches:
        plan = plans.create_plan(
            patient=patient,
            practitioner=practitioner,
            by=practitioner,
            starts_on=timezone.localdate(),
            techniques=["manual_therapy"],
        )
        for name, instructions, seconds in stretches:
            plans.add_home_exercise(
                plan=plan,
                by=practitioner,
                name=name,
                instructions=instructions,
                hold_seconds=seconds,
                repetitions=4,
                times_per_day=3,
            )
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    point = treatment.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    hold(point, practitioner, 5, "better")
    treatment.finish_session(session=session, by=practitioner, pain_after=3)
    return session


STRETCH = ("Doorway chest stretch", "Forearms on the door frame, step through until the chest opens.", 40)
REMOVED = ("Chin tuck", "Draw the chin straight back.", 10)


def test_the_aftercare_page_prints_the_patients_own_home_program(practitioner_client, clinic_a, practitioner):
    session = treated_session(clinic_a, practitioner, stretches=[STRETCH, REMOVED])
    removed = session.plan.home_program.get(name="Chin tuck")
    plans.remove_home_exercise(exercise=removed, by=practitioner)
    page = practitioner_client.get(reverse("reports:aftercare", args=[session.public_id])).text
    assert "Your home program" in page
    assert "Doorway chest stretch" in page
    assert "Forearms on the door frame, step through until the chest opens." in page
    assert "Hold 40 seconds, 4 times, 3 times a day." in page
    assert "Chin tuck" not in page  # taken out of the program
    # The program replaces the generic advice for the muscles treated.
    assert get_atlas().muscles["upper-trapezius"].self_care[:40] not in page


def test_the_aftercare_pdf_carries_the_same_program(practitioner_client, clinic_a, practitioner):
    session = treated_session(clinic_a, practitioner, stretches=[STRETCH])
    html = render_to_string("reports/aftercare_pdf.html", aftercare_context(session))
    assert "Doorway chest stretch" in html
    assert "Hold 40 seconds, 4 times, 3 times a day." in html
    response = practitioner_client.get(reverse("reports:aftercare_pdf", args=[session.public_id]))
    assert response.content.startswith(b"%PDF-")


def test_without_a_program_the_sheet_gives_each_treated_muscle_its_stretch(practitioner_client, clinic_a, practitioner):
    session = treated_session(clinic_a, practitioner)
    page = practitioner_client.get(reverse("reports:aftercare", args=[session.public_id])).text
    assert "Your home program" not in page
    assert "Your home stretches" in page
    assert get_atlas().muscles["upper-trapezius"].self_care[:40] in page
