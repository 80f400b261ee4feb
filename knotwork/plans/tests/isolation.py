"""One row of every clinic-scoped model of the plans app, for the clinic-isolation URL walk."""

import datetime


def records(patient, owner, marker) -> list:
    from knotwork.plans import services
    from knotwork.plans.models import TreatmentPlan

    TreatmentPlan.objects.filter(patient=patient, status="active").update(status="completed")
    plan = services.create_plan(
        patient=patient,
        practitioner=owner,
        by=owner,
        starts_on=datetime.date(2026, 3, 2),
        techniques=["manual_therapy"],
        notes=marker,
        override_reason="Recorded from paper (isolation test)",
    )
    goal = services.add_goal(plan=plan, by=owner, description=f"{marker} goal", measure="pain", baseline=6, target=3)
    exercise = services.add_home_exercise(plan=plan, by=owner, name=f"{marker} stretch", instructions=marker)
    return [plan, goal, exercise]
