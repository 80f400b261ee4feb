"""Who may follow up: Knotwork schedules and sends check-ins and raises flags; the patient answers on their own
link and keeps their diary; a practitioner or the owner resolves flags; all staff ask for questionnaires."""

from knotwork.clinics.policy import CLINICAL, NO_STAFF, STAFF, rule
from knotwork.core.policy import register

register(
    rule("schedule_check_ins", "schedule check-ins", CLINICAL, system=True),
    rule("send_check_in", "send a check-in", NO_STAFF, system=True),
    rule("send_due_check_ins", "send the check-ins that are due", NO_STAFF, system=True),
    rule("answer_check_in", "answer a check-in", NO_STAFF, patient=True),
    rule("raise_flag", "raise a flag", NO_STAFF, system=True),
    rule("resolve_flag", "resolve a flag", CLINICAL),
    rule("cancel_check_ins", "cancel a session's check-ins", CLINICAL, system=True),
    rule("add_diary_entry", "write in the pain diary", NO_STAFF, patient=True),
    rule("request_questionnaire", "ask the patient for a questionnaire", STAFF),
    rule("complete_questionnaire_request", "send back a questionnaire", NO_STAFF, patient=True),
    rule("withdraw_questionnaire_request", "withdraw a questionnaire request", STAFF),
    # The scheduled sweep (`manage.py send_due_messages`) flags courses that ended without a response.
    rule("flag_courses_without_response", "flag courses without a response", NO_STAFF, system=True),
)
