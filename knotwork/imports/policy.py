"""Who may bring a clinic's patients over from another system: the owner (the browser, or the command acting as
the owner). Every patient and appointment an import makes is still made by the patients and scheduling services,
so their own rules are asked too."""

from knotwork.clinics.policy import OWNER, rule
from knotwork.core.policy import register

register(
    rule("import_patients", "import patients from another practice system", OWNER),
)
