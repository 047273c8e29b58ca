"""``manage.py verify_transparency_log [--checkpoint COUNT:HASH ...] [--checkpoints]``:
recompute the transparency log's hash chain from its first entry and name the first entry
that does not match (changed, deleted, or out of sequence). With ``--checkpoint``, also check
that a checkpoint someone kept (entry count and head hash) describes the start of the current
log: the history only grew. ``--checkpoints`` checks every checkpoint the portal published.
Exits with an error (status 1) on the first problem, so it can run from cron or CI."""

from django.core.management.base import BaseCommand, CommandError

from core.models import TransparencyCheckpoint
from core.transparency import verify_chain, verify_checkpoint


def parse_checkpoint(text: str) -> tuple[int, str]:
    count, _sep, digest = text.partition(":")
    if not count.isdigit() or len(digest) != 64:
        raise CommandError(f"{text!r}: give a checkpoint as COUNT:HEAD_HASH (64 hex digits).")
    return int(count), digest.lower()


class Command(BaseCommand):
    help = "Recompute the transparency log's hash chain and check kept checkpoints."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="COUNT:HASH",
            help="A checkpoint you kept: the log must still begin with that history.",
        )
        parser.add_argument(
            "--checkpoints",
            action="store_true",
            help="Check every checkpoint the portal published as well.",
        )

    def handle(self, *args, checkpoint, checkpoints, **options):
        kept = [parse_checkpoint(text) for text in checkpoint]
        count, head, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"The log does not match at entry {problem.seq}: {problem.message}.")
        self.stdout.write(f"Chain verified: {count} entries, head {head}.")
        if checkpoints:
            kept += [
                (c.entry_count, c.head_hash)
                for c in TransparencyCheckpoint.objects.order_by("date")
            ]
        for entry_count, digest in kept:
            problem = verify_checkpoint(entry_count, digest)
            if problem is not None:
                raise CommandError(
                    f"Checkpoint {entry_count}:{digest} is not a prefix of the log: entry "
                    f"{problem.seq}: {problem.message}."
                )
            self.stdout.write(f"Checkpoint {entry_count}:{digest} consistent: the log only grew.")
