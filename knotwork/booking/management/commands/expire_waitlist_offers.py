from django.core.management.base import BaseCommand
from django.utils import timezone

from knotwork.booking import services
from knotwork.core.policy import SystemActor

SWEEP = SystemActor("expire_waitlist_offers command")


class Command(BaseCommand):
    help = (
        "End the waitlist offers whose hold has passed and offer each freed time to the next patient waiting. "
        "Run it every few minutes (the development run loop does, beside send_due_messages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing when no offer had ended.")

    def handle(self, *args, **options):
        ended = services.expire_waitlist_offers(now=timezone.now(), by=SWEEP)
        if options["quiet"] and not ended:
            return
        self.stdout.write(f"{ended} waitlist offer(s) ended; each time was offered to the next in line.")
