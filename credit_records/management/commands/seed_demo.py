from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from credit_records.demo import ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo regions, departments and one account per role (idempotent)."

    def handle(self, *args, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("Demo data must never be loaded into a production deployment.")
        created = seed_demo()
        # Each app that has demo data of its own brings it after the core data.
        for app_label in ("procurement", "debt", "evaluations"):
            try:
                module = import_module(f"{app_label}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_label}.demo":
                    raise
                continue
            result = module.seed_demo()
            self.stdout.write(f"{app_label}: {result}")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready (new: {regions} regions, {departments} departments, "
                "{users} users, {records} records).".format(**created)
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display_name, role, *_scope in ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role.value:<20} {display_name}")
