import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from knotwork.accounts.models import User
from knotwork.clinics.demo import DEMO_CLINICS, demo_login_lines, owner_totp_secret
from knotwork.clinics.models import Role


class Command(BaseCommand):
    help = "Print the demo logins (and, with --codes, the owners' current authenticator codes)."

    def add_arguments(self, parser):
        parser.add_argument("--codes", action="store_true", help="Print each demo owner's current 6-digit code.")

    def handle(self, *args, codes: bool = False, **options):
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
