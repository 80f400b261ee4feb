"""What follow-up asks of higher floors, which register a provider in their AppConfig.ready.

Follow-up sends check-ins and care-page links but does not make private links: the patient portal does (its
`create_check_in_link`, `create_patient_link` and `link_url` are the providers). Each hook takes one provider.
"""

from knotwork.core.hooks import Hook

check_in_link = Hook(
    "followup.check_in_link", "A one-use link to a check-in: (check_in=, expires_at=, by=, now=) -> (link, token)."
)
patient_link = Hook("followup.patient_link", "A patient's private link: (patient=, purpose=, by=) -> (link, token).")
link_url = Hook("followup.link_url", "The address a patient is sent for a link's token: (token) -> str.")
