"""``manage.py sync_calendar [--years 2026 2027]``: fill the working-day calendar from the
State Council's holiday notices as the installed chinese-calendar knows them. Safe to run
again (after upgrading chinese-calendar for next year's notice): it writes only what
changed and never touches a day an administrator set."""

from django.core.management.base import BaseCommand, CommandError

from core.holidays import library_years, sync_calendar


class Command(BaseCommand):
    help = "Fill the working-day calendar from chinese-calendar (administrators' days are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            nargs="+",
            type=int,
            metavar="YEAR",
            help="Only these years (default: every year from 2004 to a few years ahead).",
        )

    def handle(self, *args, years=None, **options):
        for year in years or ():
            if not 1900 <= year <= 9998:
                raise CommandError(f"{year} is not a year the calendar can hold.")
        counts = sync_calendar(years)
        covered = library_years()
        self.stdout.write(
            f"Calendar filled: {counts['created']} days added, {counts['updated']} updated, "
            f"{counts['deleted']} removed. chinese-calendar covers {covered.start}-"
            f"{covered.stop - 1}."
        )
