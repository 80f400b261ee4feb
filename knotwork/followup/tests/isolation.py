"""One row of every clinic-scoped model of the follow-up app, for the clinic-isolation URL walk."""

import datetime

from knotwork.core.policy import SystemActor
from knotwork.patients.tests.factories import as_patient

SWEEP = SystemActor("test sweep")  # the task worker or `manage.py send_due_messages`


def records(patient, owner, marker) -> list:
    from django.utils import timezone

    from knotwork.followup import services
    from knotwork.followup.models import CheckIn, FlagKind
    from knotwork.treatment.models import TreatmentSession

    session = TreatmentSession.objects.filter(patient=patient).exclude(ended_at=None).first()
    check_in = (
        CheckIn.objects.filter(session=session).first() or services.schedule_check_ins(by=SWEEP, session=session)[0]
    )
    services.record_check_in(
        check_in=check_in,
        soreness=5,
        pain=4,
        new_symptom=marker,
        now=check_in.due_at + datetime.timedelta(hours=1),
        by=as_patient(patient),
    )
    flag = services.raise_flag(by=SWEEP, patient=patient, kind=FlagKind.ADVERSE_EVENT, detail=marker)
    diary = services.add_diary_entry(
        patient=patient,
        recorded_on=timezone.localdate() - datetime.timedelta(days=1),
        pain=4,
        note=marker,
        by=as_patient(patient),
    )
    asked = services.request_questionnaire(patient=patient, instrument="psfs", occasion="discharge", by=owner)
    return [check_in, flag, diary, asked]
