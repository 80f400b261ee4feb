"""Who may record a patient's agreement to text messages, withdraw it, send texts again after a failure, and
change the clinic's messages to patients."""

from knotwork.clinics.policy import NO_STAFF, OWNER, STAFF, rule
from knotwork.core.policy import register

register(
    # Staff record the patient's spoken or written agreement; the patient gives it on the care page or when booking.
    rule("record_text_consent", "record a patient's agreement to text messages", STAFF, patient=True),
    # A STOP reply reaches Knotwork through the gateway's inbound webhook, as the system.
    rule("withdraw_text_consent", "stop text messages to a patient", STAFF, system=True, patient=True),
    rule("send_due_texts", "send again the text messages that failed", NO_STAFF, system=True),
    rule("apply_stop_reply", "apply a STOP reply from the text gateway", NO_STAFF, system=True),
)

register(
    # The clinic's voice in every confirmation, change, cancellation, reminder and waitlist offer: the owner keeps it.
    rule("change_message_templates", "change the clinic's messages to patients", OWNER),
)
