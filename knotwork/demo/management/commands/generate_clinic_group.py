from django.core.management.base import BaseCommand, CommandError

from knotwork.demo.generate import GroupRefused, generate


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"Expected a whole number, not {text!r}.") from None
    if value < 1:
        raise CommandError(f"Expected a number of at least 1, not {value}.")
    return value


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic clinic group (invented people) for the scale benchmark: staff, "
        "patients with intake, examinations, courses, sessions with holds and signed notes, appointments, check-ins, "
        "questionnaires and audit entries. Prints an owner and a practitioner login of the largest clinic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinics", type=_positive, required=True, help="How many clinics (the first is largest).")
        parser.add_argument("--patients", type=_positive, required=True, help="Patients across the whole group.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed on the same day writes the same group.")

    def handle(self, *args, clinics: int, patients: int, seed: int, **options):
        if clinics > patients:
            raise CommandError("Give at least one patient per clinic (--patients must be at least --clinics).")
        try:
            logins, counts = generate(clinics=clinics, patients=patients, seed=seed, write=self.stdout.write)
        except GroupRefused as refused:
            raise CommandError(str(refused)) from None
        for label in sorted(counts):
            self.stdout.write(f"  {counts[label]:>10,}  {label}")
        for login in logins:
            self.stdout.write(login.line())
            if login.totp_secret:
                self.stdout.write(f"  authenticator secret for {login.email}: {login.totp_secret}")
