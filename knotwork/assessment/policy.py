"""Who may take intakes, screen, refer, collect consent and examine.

Front desk handles the paperwork (intake, consent, referrals); examining and overriding a safety finding are
clinical. A patient fills their own intake and signs their own consent through a private link.
"""

from knotwork.clinics.policy import CLINICAL, OWNER, STAFF, rule
from knotwork.core.policy import register

register(
    rule("see_clinical_record", "see examinations, sessions and clinical notes", CLINICAL),
    # The system opens the intake a visit confirmation links to (a visit booked online or from the waitlist).
    rule("start_intake", "start an intake form", STAFF, system=True),
    rule("fill_intake", "fill in an intake form", STAFF, patient=True),
    rule("submit_intake", "submit an intake form", STAFF, patient=True),
    rule("run_safety_screen", "run the safety screen", STAFF, patient=True),
    rule("override_safety_finding", "override a safety screen finding", CLINICAL),
    rule("update_referral", "update a medical referral", STAFF),
    # The default consent texts are set up by Knotwork when a consent page is first opened.
    rule("set_up_consent_forms", "set up the default consent forms", STAFF, system=True),
    rule("publish_consent_version", "change a consent text", OWNER),
    rule("sign_consent", "record a consent signature", STAFF, patient=True),
    rule("withdraw_consent", "withdraw a consent", STAFF),
    rule("start_examination", "start an examination", CLINICAL),
    rule("record_trigger_point", "record a trigger point", CLINICAL),
    rule("record_range_of_motion", "record a range of motion", CLINICAL),
    rule("add_diagnosis", "add a diagnosis", CLINICAL),
    rule("correct_examination", "correct or remove a trigger point, range of motion or diagnosis", CLINICAL),
    rule("record_perpetuating_factors", "record perpetuating factors on an examination", CLINICAL),
    rule("close_examination", "close an examination", CLINICAL),
)
