"""Knotwork's own defaults that the ground needs; a clinic's settings start from them (knotwork.clinics.defaults)."""

# Sign a user out after this many idle minutes when no clinic setting applies (a superuser without a clinic),
# and the value a new clinic's own setting starts with.
SESSION_TIMEOUT_MINUTES = 30
