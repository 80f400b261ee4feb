"""Who may add, open and withdraw documents on the chart.

All staff: the front desk files referral letters and imaging reports as they arrive and prints the letters the
clinic sends, and the chart already shows every member of staff a referral's result. Opening a document is a read,
recorded in the audit trail each time; withdrawing one keeps the file and says why.
"""

from knotwork.clinics.policy import STAFF, rule
from knotwork.core.policy import register

register(
    rule("see_documents", "open the documents on a patient's chart", STAFF),
    rule("upload_document", "add a document to a patient's chart", STAFF),
    rule("withdraw_document", "withdraw a document from a patient's chart", STAFF),
)
