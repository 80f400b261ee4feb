"""Who may read and export the audit trail: the owner.

Writing to the trail asks no rule: every actor that is shown a record (staff, a patient's link, the system)
leaves its entry, and the read itself was already scoped to the actor's clinic or record.
"""

from knotwork.clinics.policy import OWNER, rule
from knotwork.core.policy import register

register(
    rule("read_audit_trail", "read the audit trail", OWNER),
)
