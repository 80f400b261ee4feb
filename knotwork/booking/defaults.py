"""What a clinic's online booking starts with, and why (the style of knotwork.clinics.defaults)."""

from knotwork.clinics.defaults import Default

NO_SOURCE = "Knotwork default, no clinical source"

NOTICE_HOURS = Default(12, "h", f"{NO_SOURCE}: the front desk sees a booking online at least half a day ahead")
HORIZON_DAYS = Default(60, "days", f"{NO_SOURCE}: about two months of the calendar is open to patients")
BUFFER_MINUTES = Default(0, "min", f"{NO_SOURCE}: no gap is kept between visits unless the clinic wants one")
OFFER_HOLD_MINUTES = Default(
    120, "min", f"{NO_SOURCE}: a freed time is held two hours for the patient first on the waitlist"
)
