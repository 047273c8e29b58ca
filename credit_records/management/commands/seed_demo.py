from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from credit_records.demo import ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo regions, departments and one account per role (idempotent)."

    def handle(self, *args, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("Demo data must never be loaded into a production deployment.")
        created = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready (new: {regions} regions, {departments} departments, "
                "{users} users, {records} records).".format(**created)
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display_name, role, *_scope in ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role.value:<20} {display_name}")
