import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from knotwork.accounts.models import User
from knotwork.clinics.models import Clinic, Role
from knotwork.demo.loader import DEMO_CLINICS, demo_login_lines, owner_totp_secret

PRODUCTION_REFUSAL = (
    "DEBUG is off: the demo logins, authenticator secrets and codes are printed on a development checkout only. "
    "On a throwaway demonstration server that holds no real patients, pass --allow-production."
)


class Command(BaseCommand):
    help = "Print the demo logins (and, with --codes, the owners' current authenticator codes); development only."

    def add_arguments(self, parser):
        parser.add_argument("--codes", action="store_true", help="Print each demo owner's current 6-digit code.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Print them even with DEBUG off (a demonstration server only).",
        )

    def handle(self, *args, codes: bool = False, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(PRODUCTION_REFUSAL)
        owners = [p.email for c in DEMO_CLINICS for p in c.staff if p.role == Role.OWNER]
        if not User.objects.filter(email__in=owners).exists():
            self.stdout.write("No demo accounts in this database.")
            return
        if codes:
            counter = int(time.time()) // 30
            for email in owners:
                code = format_hotp_value(hotp_value(owner_totp_secret(email), counter))
                self.stdout.write(f"{email}: {code}  (valid for about {30 - int(time.time()) % 30} s)")
            return
        self.stdout.write("Demo logins:")
        for line in demo_login_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write("Owners also enter an authenticator code. Add the owner's secret to an authenticator app:")
        for email in owners:
            self.stdout.write(f"  {email}: {owner_totp_secret(email)}")
        self.stdout.write("or, in a second terminal, run `make demo-code` for the current codes.")
        names = [c.name for c in DEMO_CLINICS]
        self.stdout.write("Online booking pages (no login; see docs/online-booking.md):")
        for clinic in Clinic.objects.filter(name__in=names).order_by("name"):
            self.stdout.write(f"  {clinic.name}: http://127.0.0.1:8000/book/{clinic.public_id}/")
