"""Rows of the assessment models the main isolation walk does not make: an examination entry's history."""


def records(patient, owner, marker) -> list:
    from knotwork.assessment import services
    from knotwork.assessment.services import corrections

    # The walk's examination (a new one would become the latest, without the diagnosis other apps' rows read).
    examination = patient.examinations.order_by("-created_at").first() or services.start_examination(
        patient=patient, by=owner
    )
    point = services.record_trigger_point(
        examination=examination,
        muscle="soleus",
        side="left",
        region="left-calf",
        view="back",
        x=160,
        y=800,
        by=owner,
    )
    corrections.correct_trigger_point(finding=point, taut_band=True, reason=f"{marker} corrected", by=owner)
    corrections.remove_trigger_point(finding=point, reason=f"{marker} removed", by=owner)
    return [point, *point.revisions.all()]
