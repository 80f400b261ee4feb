"""Rows of the import models for the clinic-isolation walk: a finished import whose row names the walk's patient
(its reason carries the marker)."""


def records(patient, owner, marker) -> list:
    from knotwork.imports.models import ImportRow, ImportRun, ImportSource, ImportStatus, Outcome

    run = ImportRun.objects.create(
        clinic=patient.clinic,
        source=ImportSource.CSV,
        status=ImportStatus.DONE,
        file_name=f"{marker}.csv",
        started_by=owner,
        created_count=1,
    )
    row = ImportRow.objects.create(
        clinic=patient.clinic,
        run=run,
        number=2,
        import_key="0" * 64,
        outcome=Outcome.CREATE,
        reason=f"New patient. {marker}",
        patient=patient,
    )
    return [run, row]
