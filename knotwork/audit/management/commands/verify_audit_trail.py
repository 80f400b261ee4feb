from django.core.management.base import BaseCommand, CommandError

from knotwork.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains: every entry must match its hash and follow the entry before it. "
        "Prints 'intact, N entries' or the first broken entry (and exits with status 1). With -v 2, prints each "
        "clinic's last entry and hash: note them down to compare later (an entry removed at the very end of a "
        "chain shows only there)."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        broken = report.first_break
        if broken is not None:
            clinic = f"clinic #{broken.clinic_id}" if broken.clinic_id is not None else "no clinic"
            written = f"{broken.timestamp:%Y-%m-%d %H:%M:%S} UTC"
            raise CommandError(
                f"Audit trail broken at entry #{broken.entry_id} ({clinic}, written {written}): {broken.reason}. "
                f"{report.entries - 1} entries before it are intact."
            )
        self.stdout.write(f"Audit trail intact, {report.entries} entries.")
        if options["verbosity"] >= 2:
            for clinic_id, (entry_id, digest) in sorted(report.heads.items(), key=lambda item: item[0] or 0):
                clinic = f"clinic #{clinic_id}" if clinic_id is not None else "no clinic"
                self.stdout.write(f"  {clinic}: last entry #{entry_id}, hash {digest}")
