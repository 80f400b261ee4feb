"""Who works with the clinic's evidence: practitioners and the owner read the page; the owner (or Knotwork's task
worker and commands) refreshes the figures; the owner alone changes the settings, opts in to pooled figures and
takes the de-identified research export."""

from knotwork.clinics.policy import CLINICAL, OWNER, rule
from knotwork.core.policy import register

register(
    rule("see_evidence", "see the clinic's evidence figures", CLINICAL),
    # The task worker recomputes the summaries it was asked for; `manage.py refresh_evidence` runs as the system.
    rule("refresh_evidence", "refresh the evidence figures", OWNER, system=True),
    rule("change_evidence_settings", "change the evidence settings", OWNER),
    # `manage.py export_evidence` runs as the system (the installation's administrator at the shell).
    rule("export_evidence", "take the de-identified research export", OWNER, system=True),
)
