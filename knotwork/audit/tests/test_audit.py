import pytest
from django.db.models import ProtectedError
from django.tasks import task
from django.urls import reverse

from knotwork.audit.actors import ActorKind, acting_as
from knotwork.audit.models import AppendOnlyError, AuditEntry
from knotwork.audit.services import record_view
from knotwork.core.policy import PatientLinkActor, SystemActor
from knotwork.patients.tests.factories import PatientFactory


def test_opening_a_chart_appends_a_view_entry_with_who_and_where(practitioner_client, practitioner, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    practitioner_client.get(patient.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert (entry.actor, entry.patient, entry.clinic, entry.remote_addr) == (
        practitioner,
        patient,
        clinic_a,
        "10.1.2.3",
    )


def test_a_forged_forwarded_address_is_ignored_unless_behind_a_proxy(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    practitioner_client.get(patient.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AuditEntry.objects.get(action=AuditEntry.Action.ACCESS).remote_addr == "10.1.2.3"


def test_editing_a_patient_appends_a_change_entry_naming_the_fields(practitioner_client, practitioner, clinic_a):
    patient = PatientFactory(clinic=clinic_a, city="Denver")
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "chart_number": patient.chart_number,
        "city": "Golden",
    }
    practitioner_client.post(reverse("patients:edit", args=[patient.public_id]), data)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, patient=patient)
    assert entry.actor == practitioner
    assert entry.changes_dict["city"] == ["Denver", "Golden"]


def test_entries_cannot_be_changed_or_deleted(clinic_a):
    PatientFactory(clinic=clinic_a)
    entry = AuditEntry.objects.first()
    entry.object_repr = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_owner_sees_own_clinic_entries_and_filters_them(owner_client, owner, practitioner, clinic_a, clinic_b, client):
    mine = PatientFactory(clinic=clinic_a, last_name="Auditmine")
    PatientFactory(clinic=clinic_b, last_name="Audittheirs")
    page = owner_client.get(reverse("audit:list"))
    assert "Auditmine" in page.text
    assert "Audittheirs" not in page.text
    filtered = owner_client.get(reverse("audit:list"), {"patient": str(mine.public_id), "action": "3"})
    assert "No entries match." in filtered.text
    owner_client.get(mine.get_absolute_url())
    viewed = owner_client.get(reverse("audit:list"), {"patient": str(mine.public_id), "action": "3", "actor": owner.pk})
    assert "viewed" in viewed.text
    assert owner.email in viewed.text


def test_a_backwards_date_range_is_explained(owner_client):
    page = owner_client.get(reverse("audit:list"), {"since": "2026-11-20", "until": "2026-11-01"})
    assert "The end date is before the start date." in page.text


def test_patients_shown_in_a_list_or_the_api_are_audited_as_viewed(practitioner_client, practitioner, clinic_a):
    shown = PatientFactory.create_batch(3, clinic=clinic_a)
    practitioner_client.get(reverse("patients:list"))

    def viewed():
        return AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, actor=practitioner)

    assert {e.patient_id for e in viewed()} == {p.pk for p in shown}
    assert practitioner_client.get("/api/v1/patients").status_code == 200
    assert viewed().count() == 6
    practitioner_client.get(reverse("patients:edit", args=[shown[0].public_id]))
    assert viewed().count() == 7


def test_a_read_names_its_actor_kind_staff_patient_link_or_system(practitioner, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    record_view(instance=patient, by=practitioner)
    record_view(instance=patient, by=PatientLinkActor(patient_id=patient.pk, clinic_id=clinic_a.pk, link_id=42))
    record_view(instance=patient, by=SystemActor("send_due_messages command"))
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, patient=patient).order_by("pk")
    assert [(e.actor_kind, e.actor_label, e.actor_ref, e.actor_id) for e in reads] == [
        (ActorKind.STAFF, practitioner.email, "", practitioner.pk),
        (ActorKind.PATIENT_LINK, "patient link", "link 42", None),
        (ActorKind.SYSTEM, "system: send_due_messages command", "", None),
    ]


def test_an_actor_the_trail_cannot_name_is_refused(clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    with pytest.raises(TypeError, match="cannot name"):
        record_view(instance=patient, by="someone")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_changes_made_inside_acting_as_name_that_actor(clinic_a):
    with acting_as(SystemActor("load_demo_clinic command")):
        patient = PatientFactory(clinic=clinic_a)
    created = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, patient=patient)
    assert (created.actor_kind, created.actor_label) == (ActorKind.SYSTEM, "system: load_demo_clinic command")
    outside = PatientFactory(clinic=clinic_a)
    assert AuditEntry.objects.get(action=AuditEntry.Action.CREATE, patient=outside).actor_label == "system"


@task
def register_a_patient_in_a_task(*, clinic_id: int) -> None:
    PatientFactory(clinic_id=clinic_id, last_name="Taskmade")


def test_changes_a_task_makes_name_the_task_as_system(clinic_a, practitioner_client):
    register_a_patient_in_a_task.enqueue(clinic_id=clinic_a.pk)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, patient__last_name="Taskmade")
    assert (entry.actor_kind, entry.actor_label) == (ActorKind.SYSTEM, "system: task register_a_patient_in_a_task")
    later = PatientFactory(clinic=clinic_a)
    assert AuditEntry.objects.get(action=AuditEntry.Action.CREATE, patient=later).actor_label == "system"


def test_the_audit_page_shows_who_acted_and_as_what(owner_client, owner, clinic_a):
    patient = PatientFactory(clinic=clinic_a, last_name="Kindshown")
    record_view(instance=patient, by=PatientLinkActor(patient_id=patient.pk, clinic_id=clinic_a.pk, link_id=7))
    page = owner_client.get(reverse("audit:list"), {"actor_kind": ActorKind.PATIENT_LINK})
    assert "patient link" in page.text
    assert "(link 7)" in page.text
    assert "Kindshown" in page.text
    staff_only = owner_client.get(reverse("audit:list"), {"actor_kind": ActorKind.STAFF})
    assert "(link 7)" not in staff_only.text


def test_a_staff_member_with_entries_cannot_be_deleted(practitioner, clinic_a):
    record_view(instance=PatientFactory(clinic=clinic_a), by=practitioner)
    with pytest.raises(ProtectedError):
        practitioner.delete()
