"""``manage.py archive_old_rows [--dry-run] [--only TABLE ...] [--before DATE]
[--batch-size N]``: archive, then delete, the history and log rows past their retention
(core/retention.py: which tables, which rows, and why the transparency log is never touched).
Safe to stop and to run again: a rerun carries on where the last one stopped, archiving no
row twice. The ``archive-old-rows`` beat task runs the same thing daily."""

import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import retention


class Command(BaseCommand):
    help = "Archive, then delete, history and log rows older than their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the rows each table would lose; write and delete nothing.",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="TABLE",
            help="Only this table (app_label.model, e.g. core.notification); repeatable.",
        )
        parser.add_argument(
            "--before",
            metavar="YYYY-MM-DD",
            help="Archive rows older than this date instead of the configured periods "
            "(the access log and background exports never before their own periods).",
        )
        parser.add_argument("--batch-size", type=int, default=5000, metavar="N")

    def handle(self, *args, dry_run, only, before, batch_size, **options):
        names = [target.name for target in retention.targets()]
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise CommandError(
                _("Unknown table: %(tables)s. Tables under retention: %(known)s.")
                % {"tables": ", ".join(unknown), "known": ", ".join(names)}
            )
        if batch_size < 1:
            raise CommandError(_("The batch size must be a positive whole number."))
        cutoff = parse_before(before) if before else None
        try:
            retention.check_settings()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        results = retention.archive_all(
            only=only or None, before=cutoff, batch_size=batch_size, dry_run=dry_run
        )
        for result in results:
            if result.busy:
                line = _("%(table)s: skipped, another run is archiving it") % {"table": result.name}
            elif dry_run:
                line = _("%(table)s: %(rows)d rows would go") % {
                    "table": result.name,
                    "rows": result.rows,
                }
            elif result.archived:
                line = _("%(table)s: %(rows)d rows archived in %(files)d files") % {
                    "table": result.name,
                    "rows": result.rows,
                    "files": len(result.files),
                }
            else:
                line = _("%(table)s: %(rows)d deleted without an archive") % {
                    "table": result.name,
                    "rows": result.rows,
                }
            self.stdout.write(line)
        if not results:
            self.stdout.write(_("No table has a retention period set."))


def parse_before(text: str) -> datetime.datetime:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(value)s is not a date: give --before as YYYY-MM-DD.") % {"value": text}
        ) from None
    if day > timezone.localdate():
        raise CommandError(_("--before cannot be a date in the future."))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
