"""Who may run online booking: the owner sets it up; the public page books as Knotwork itself ("online booking"),
the front desk looks over what came in and keeps the waitlist; a patient joins or leaves the waitlist from the care
page and takes an offered time through the offer's link."""

from knotwork.booking.models import BookingSettings, WaitlistOffer
from knotwork.clinics.policy import NO_STAFF, OWNER, STAFF, rule
from knotwork.core.policy import register, register_scope

register_scope(BookingSettings, lambda settings: (settings.clinic_id, None))
register_scope(WaitlistOffer, lambda offer: (offer.clinic_id, offer.entry.patient_id))

register(
    rule("change_booking_settings", "change the clinic's online booking", OWNER),
    # The public page has no user: Knotwork books for the visitor, within the clinic's rules.
    rule("book_online", "book a visit from the public booking page", NO_STAFF, system=True),
    rule("review_online_booking", "mark an online booking as looked over", STAFF),
    rule("join_waitlist", "put a patient on the waitlist", STAFF, patient=True),
    rule("leave_waitlist", "take a patient off the waitlist", STAFF, patient=True),
    # A freed time is offered by Knotwork (after a cancel or a move, and when an offer expires).
    rule("offer_waitlist_time", "offer a freed time to the waitlist", NO_STAFF, system=True),
    rule("expire_waitlist_offers", "expire waitlist offers and offer the next in line", NO_STAFF, system=True),
    # The holder of an offer's link takes the time (the link is the patient's, like a private link).
    rule("take_waitlist_offer", "take a time offered from the waitlist", NO_STAFF, patient=True),
)
