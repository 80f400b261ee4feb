from django.urls import path

from knotwork.assessment import views

app_name = "assessment"
urlpatterns = [
    path("patients/<uuid:patient_id>/intake/", views.intake_start, name="intake_start"),
    path("intakes/<uuid:public_id>/", views.intake_edit, name="intake"),
    path("screens/<uuid:public_id>/override/", views.screen_override, name="screen_override"),
    path("referrals/<uuid:public_id>/", views.referral_update, name="referral_update"),
    path("consent-forms/", views.consent_forms, name="consent_forms"),
    path("patients/<uuid:patient_id>/consent/<slug:technique>/", views.consent_sign, name="consent_sign"),
    path("consents/<uuid:public_id>/", views.consent_detail, name="consent_detail"),
    path("consents/<uuid:public_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("patients/<uuid:patient_id>/examination/", views.examination_start, name="examination_start"),
    path("examinations/<uuid:public_id>/", views.examination_detail, name="examination"),
    path("trigger-points/<uuid:public_id>/", views.trigger_point_edit, name="trigger_point_edit"),
    path("ranges-of-motion/<uuid:public_id>/", views.range_of_motion_edit, name="range_of_motion_edit"),
    path("diagnoses/<uuid:public_id>/", views.diagnosis_edit, name="diagnosis_edit"),
]
