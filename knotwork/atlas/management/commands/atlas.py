import json

from django.core.management.base import BaseCommand, CommandError

from knotwork.atlas.catalog import AtlasDataError, get_atlas
from knotwork.atlas.selectors import UnknownRegions, parse_drawn_region, rank_referrals
from knotwork.atlas.serializers import referral_dict


class Command(BaseCommand):
    help = "The trigger point atlas: rank muscles for a pain drawing (refer) or validate the data files (check)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{refer,check}")
        refer = sub.add_parser("refer", help="Rank the muscles whose referral patterns explain the regions given.")
        refer.add_argument(
            "regions", nargs="+", metavar="REGION", help="region id, optionally with intensity: right-low-back:7"
        )
        refer.add_argument("--top", type=int, default=10, help="how many muscles to show (default 10)")
        refer.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
        sub.add_parser("check", help="Load and validate the atlas data files.")

    def handle(self, *args, action: str, **options):
        if action == "check":
            return self.check_data()
        return self.refer(options["regions"], top=options["top"], as_json=options["json"])

    def check_data(self) -> None:
        try:
            atlas = get_atlas()
        except AtlasDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Atlas OK: {len(atlas.muscles)} muscles, {atlas.site_count} trigger point sites, "
            f"{len(atlas.regions)} body regions."
        )

    def refer(self, texts: list[str], *, top: int, as_json: bool) -> None:
        if top < 1:
            raise CommandError("--top must be 1 or more.")
        drawing = {}
        for text in texts:
            try:
                drawn = parse_drawn_region(text)
            except ValueError as error:
                raise CommandError(str(error)) from error
            drawing[drawn.region] = drawn.intensity
        try:
            results = rank_referrals(drawing, top=top)
        except UnknownRegions as error:
            raise CommandError(f"{error} (region ids are listed in knotwork/atlas/data/regions.yaml)") from error
        rows = [referral_dict(r) for r in results]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No muscle in the atlas refers pain to those regions.")
            return
        for n, row in enumerate(rows, 1):
            side = "both sides" if row["side"] == "both" else row["side"]
            explained = ", ".join(row["explained"])
            self.stdout.write(f"{n:>2}. {row['name']} ({side})  score {row['score']:.2f}  explains {explained}")
            plural = "s" if len(row["trigger_points"]) > 1 else ""
            self.stdout.write(f"    {row['summary']} Trigger point{plural}: {', '.join(row['trigger_points'])}")
            for key, words in (
                ("explained_essential", "essential zone"),
                ("explained_spillover", "spillover zone"),
                ("explained_site", "over the trigger point"),
                ("near", "next to its zone (partial credit)"),
            ):
                if row[key]:
                    self.stdout.write(f"    {words}: {', '.join(row[key])}")
            if row["unexplained"]:
                self.stdout.write(f"    leaves unexplained: {', '.join(row['unexplained'])}")
