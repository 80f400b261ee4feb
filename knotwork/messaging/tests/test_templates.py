"""The clinic's messages to patients: safe merge fields, Knotwork's defaults, the owner's own words and the page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knotwork.core.policy import NotAllowed
from knotwork.messaging import merge, selectors, services
from knotwork.messaging.defaults import DEFAULT_TEMPLATES
from knotwork.messaging.models import MessageKind, MessageTemplate

pytestmark = pytest.mark.django_db


# --- the merge fields --------------------------------------------------------------------------------------------


def test_merge_fills_the_fields_and_nothing_else_runs():
    text = "Hello {{ patient_first_name }}, see you {{when}}. {{ clinic_name }}"
    values = {"patient_first_name": "<b>Alex</b>", "when": "Tuesday", "clinic_name": "Knot & Co"}
    assert merge.merge(text, values) == "Hello <b>Alex</b>, see you Tuesday. Knot & Co"


def test_an_unknown_field_is_named_with_the_fields_there_are():
    found = merge.problems("Hi {{patient.first_name}} {{secret}}", merge.KIND_FIELDS["reminder"])
    assert len(found) == 1
    assert "{{patient.first_name}}, {{secret}}" in found[0]
    assert "{{patient_first_name}}" in found[0]  # the fields there are, to copy


def test_a_field_of_another_kind_of_message_is_refused_and_said_so():
    found = merge.problems("Moved from {{previous_when}}", merge.KIND_FIELDS["reminder"])
    assert "({{previous_when}} not in this message)" in found[0]
    assert merge.problems("Moved from {{previous_when}}", merge.KIND_FIELDS["change"]) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{% load static %}", "Template tags"),
        ("{# note #}", "Template tags"),
        ("Hello {{patient_first_name}", "not closed"),
        ("Hello patient_first_name}}", "not closed"),
    ],
)
def test_template_syntax_is_refused(text, says):
    assert any(says in problem for problem in merge.problems(text))
    with pytest.raises(merge.MergeError):
        merge.merge(text, {})


def test_a_line_with_a_link_not_sent_is_left_out():
    text = "Hello\n\nFill in your intake: {{intake_link}}\nSign your consents: {{consent_link}}\n\nBye"
    merged = merge.merge(text, {"consent_link": "https://x/p/abc/"})
    assert "intake" not in merged
    assert "Sign your consents: https://x/p/abc/" in merged
    assert "\n\n\n" not in merged


def test_every_default_uses_only_the_fields_of_its_kind():
    for kind in MessageKind:
        for part in ("subject", "body"):
            assert merge.problems(DEFAULT_TEMPLATES[kind][part], merge.KIND_FIELDS[kind]) == [], (kind, part)


# --- defaults and the clinic's own words -------------------------------------------------------------------------


def test_a_new_clinic_uses_knotworks_words(clinic_a):
    text = selectors.template_for(clinic_a, "confirmation")
    assert text.is_default
    subject, body = selectors.render_message(
        clinic=clinic_a, kind="confirmation", values={"patient_first_name": "Alex", "when": "Tuesday at 10:00"}
    )
    assert subject == f"[{clinic_a.name}] Your appointment on Tuesday at 10:00"
    assert body.startswith("Hello Alex,")
    assert "intake form" not in body  # no intake link this time: its line is left out


def test_the_owner_changes_one_clinics_words_only(clinic_a, clinic_b, owner):
    services.save_message_template(
        clinic=clinic_a,
        kind="reminder",
        subject="See you {{when}}",
        body="Dear {{patient_first_name}}: {{when}}.",
        by=owner,
    )
    subject, body = selectors.render_message(
        clinic=clinic_a, kind="reminder", values={"patient_first_name": "Alex", "when": "Friday"}
    )
    assert (subject, body) == ("See you Friday", "Dear Alex: Friday.\n")
    assert selectors.template_for(clinic_b, "reminder").is_default
    assert services.reset_message_template(clinic=clinic_a, kind="reminder", by=owner) is True
    assert selectors.template_for(clinic_a, "reminder").is_default


def test_an_unknown_field_is_refused_by_the_service_and_nothing_is_saved(clinic_a, owner):
    with pytest.raises(ValidationError) as refused:
        services.save_message_template(
            clinic=clinic_a, kind="cancellation", subject="Cancelled", body="{{intake_link}}", by=owner
        )
    assert "{{intake_link}}" in str(refused.value.message_dict["body"])
    assert not MessageTemplate.objects.exists()


def test_only_the_owner_changes_the_messages(clinic_a, practitioner):
    with pytest.raises(NotAllowed, match="Only the clinic owner"):
        services.save_message_template(clinic=clinic_a, kind="reminder", subject="x", body="y", by=practitioner)


# --- the settings page -------------------------------------------------------------------------------------------


def test_the_settings_page_links_to_the_messages(owner_client):
    assert reverse("messaging:templates") in owner_client.get(reverse("clinics:settings")).text


def test_the_page_shows_each_message_with_a_sample_preview(owner_client, clinic_a):
    page = owner_client.get(reverse("messaging:templates"))
    assert page.status_code == 200
    for kind in MessageKind:
        assert kind.label in page.text
    assert "Hello Alex," in page.text  # the sample patient, never a real one
    assert "{{patient_first_name}}" in page.text


def test_preview_shows_what_was_typed_without_saving(owner_client, clinic_a):
    response = owner_client.post(
        reverse("messaging:templates"),
        {"kind": "reminder", "action": "preview", "reminder-subject": "Hi", "reminder-body": "Soon: {{when}}!"},
    )
    assert response.status_code == 200
    assert "Soon: Tuesday 3 March 2026 at 10:15!" in response.text
    assert not MessageTemplate.objects.exists()


def test_an_unknown_field_is_a_form_error_and_what_was_typed_stays(owner_client, clinic_a):
    body = "Typed with care {{patient_last_name}}"
    response = owner_client.post(
        reverse("messaging:templates"),
        {"kind": "reminder", "action": "save", "reminder-subject": "Hi", "reminder-body": body},
    )
    assert response.status_code == 400
    assert "Unknown merge field {{patient_last_name}}" in response.text
    assert "Typed with care" in response.text
    assert not MessageTemplate.objects.exists()


def test_save_then_reset_to_the_default(owner_client, clinic_a):
    url = reverse("messaging:templates")
    saved = owner_client.post(
        url,
        {"kind": "cancellation", "action": "save", "cancellation-subject": "Off", "cancellation-body": "Off {{when}}"},
        follow=True,
    )
    assert "The visit cancelled message is saved." in saved.text
    assert MessageTemplate.objects.get(clinic=clinic_a, kind="cancellation").body == "Off {{when}}"
    reset = owner_client.post(url, {"kind": "cancellation", "action": "reset"}, follow=True)
    assert "message is back to Knotwork" in reset.text
    assert not MessageTemplate.objects.exists()


def test_an_unknown_kind_is_a_404(owner_client):
    assert owner_client.post(reverse("messaging:templates"), {"kind": "sonnet", "action": "save"}).status_code == 404


def test_a_practitioner_cannot_open_the_messages(practitioner_client):
    assert practitioner_client.get(reverse("messaging:templates")).status_code == 403
