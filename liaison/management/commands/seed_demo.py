import importlib
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.notify import muted
from organisation.demo import DEMO_PASSWORD, seed_accounts
from organisation.reference import load_reference_data

# Each app that has demo content provides `seed(accounts, rng, stdout)` in `<app>/demo.py`,
# run in this order (meetings read the issues).
DEMO_MODULES = ["issues.demo", "meetings.demo", "notifications.demo"]


class Command(BaseCommand):
    help = "加载演示数据：基础数据、演示账号、一年的问题和会议（仅限 DEBUG 模式）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2024, help="random seed (same seed, same data)"
        )

    def handle(self, *args, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off (set DJANGO_DEBUG=1): it writes demo accounts with a known password."
            )
        rng = random.Random(seed)
        # The seeds replay a year of history through the services, whose signals are sent in
        # this transaction: muted, or every replayed event would notify and queue e-mail
        # (notifications.demo writes dated notifications instead).
        with transaction.atomic(), muted():
            load_reference_data()
            accounts = seed_accounts()
            for module_name in DEMO_MODULES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(accounts, rng, self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"demo data ready; every demo account's password is {DEMO_PASSWORD}")
        )
        for username, role, name in accounts.rows():
            self.stdout.write(f"  {username:<12} {role:<22} {name}")
