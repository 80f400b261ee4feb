import pytest
from django.urls import reverse

from knotwork.assessment.models import Consent, ConsentForm, Technique
from knotwork.assessment.services import ensure_consent_forms, publish_consent_version, sign_consent, withdraw_consent
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory, as_patient

SIGNATURE = "M10 10 L50 40 L90 20"


@pytest.fixture
def dry_needling(clinic_a, owner):
    ensure_consent_forms(clinic=clinic_a, by=owner)
    return ConsentForm.objects.get(clinic=clinic_a, technique=Technique.DRY_NEEDLING)


def test_every_clinic_gets_each_default_form_once(clinic_a, owner):
    ensure_consent_forms(clinic=clinic_a, by=owner)
    ensure_consent_forms(clinic=clinic_a, by=owner)
    assert set(ConsentForm.objects.filter(clinic=clinic_a).values_list("technique", flat=True)) == set(Technique.values)
    for form in ConsentForm.objects.filter(clinic=clinic_a).exclude(technique=Technique.INJECTION):
        assert form.versions.count() == 1
        assert "lactic acid" not in form.versions.get().body.lower()
    # No default text is shipped for injections: the clinic writes its own.
    assert not ConsentForm.objects.get(clinic=clinic_a, technique=Technique.INJECTION).versions.exists()


def test_a_signature_keeps_the_exact_version_and_its_hash(clinic_a, owner, dry_needling):
    patient = PatientFactory(clinic=clinic_a)
    v1 = dry_needling.versions.get()
    consent = sign_consent(
        patient=patient, version=v1, signed_name="Ada Patient", signature=SIGNATURE, shown_hash=v1.body_hash, by=owner
    )
    v2 = publish_consent_version(
        form=dry_needling, title=dry_needling.title, body=v1.body + "\n\nA new paragraph.", by=owner
    )
    consent.refresh_from_db()
    assert (consent.version, consent.body_hash) == (v1, v1.body_hash)
    assert v2.number == 2
    assert v2.body_hash != v1.body_hash


def test_signing_an_outdated_version_is_refused(clinic_a, owner, dry_needling):
    patient = PatientFactory(clinic=clinic_a)
    v1 = dry_needling.versions.get()
    publish_consent_version(form=dry_needling, title="x", body="Completely new text.", by=owner)
    with pytest.raises(ClinicRuleError, match="updated since"):
        sign_consent(
            patient=patient,
            version=v1,
            signed_name="Ada",
            signature=SIGNATURE,
            shown_hash=v1.body_hash,
            by=as_patient(patient),
        )
    assert not Consent.objects.exists()


def test_a_signature_needs_a_name_and_a_drawing(clinic_a, dry_needling):
    patient = PatientFactory(clinic=clinic_a)
    v1 = dry_needling.versions.get()
    with pytest.raises(ClinicRuleError, match="full name"):
        sign_consent(
            patient=patient,
            version=v1,
            signed_name=" ",
            signature=SIGNATURE,
            shown_hash=v1.body_hash,
            by=as_patient(patient),
        )
    with pytest.raises(ClinicRuleError, match="Draw your signature"):
        sign_consent(
            patient=patient,
            version=v1,
            signed_name="Ada",
            signature="",
            shown_hash=v1.body_hash,
            by=as_patient(patient),
        )


def test_withdrawing_keeps_the_record_and_ends_the_consent(clinic_a, dry_needling, front_desk):
    patient = PatientFactory(clinic=clinic_a)
    v1 = dry_needling.versions.get()
    consent = sign_consent(
        patient=patient,
        version=v1,
        signed_name="Ada",
        signature=SIGNATURE,
        shown_hash=v1.body_hash,
        by=as_patient(patient),
    )
    withdraw_consent(consent=consent, reason="Changed my mind", by=front_desk)
    consent.refresh_from_db()
    assert not consent.is_active
    with pytest.raises(ClinicRuleError):
        withdraw_consent(consent=consent, reason="again", by=front_desk)


def test_staff_sign_on_the_tablet_and_the_chart_shows_it(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    url = reverse("assessment:consent_sign", args=[patient.public_id, "dry_needling"])
    page = practitioner_client.get(url)
    assert "Dry needling" in page.text
    shown = page.context["form"].initial["shown_hash"]
    missing = practitioner_client.post(url, {"shown_hash": shown, "signed_name": "Ada Patient", "agree": "on"})
    assert "Draw your signature" in missing.text
    assert 'value="Ada Patient"' in missing.text
    practitioner_client.post(
        url, {"shown_hash": shown, "signed_name": "Ada Patient", "agree": "on", "signature": SIGNATURE}
    )
    chart = practitioner_client.get(patient.get_absolute_url())
    assert "signed" in chart.text
    assert Consent.objects.get().witnessed_by is not None


def test_owner_edits_a_consent_text_as_a_new_version(owner_client, clinic_a):
    owner_client.get(reverse("assessment:consent_forms"))
    form = ConsentForm.objects.get(clinic=clinic_a, technique="tens")
    owner_client.post(
        reverse("assessment:consent_forms"),
        {"technique": "tens", "title": "TENS consent", "body": "New text for TENS."},
    )
    assert form.versions.count() == 2
    assert form.versions.first().body == "New text for TENS."
