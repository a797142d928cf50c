"""``manage.py load_demo``: the demo department that reproduces the IG review's figures.

It creates sign-ins with a published password, so it refuses to run unless DEBUG is on,
``--force`` is given, or LIAISON_ALLOW_DEMO=1 — demo passwords must never reach a
production database by accident. Running it again creates nothing new.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.models import Role
from liaison.demo.context import DEFAULT_PASSWORD
from liaison.demo.loader import load_demo
from liaison.demo.steps.registry import DEMO_LOGINS

REFUSAL = (
    "load_demo refuses to run with DEBUG off: it creates sign-ins whose password is "
    "published. Run it against a development database with DEBUG=1 (as `make demo` does), "
    "or pass --force (or set LIAISON_ALLOW_DEMO=1) if you really mean this database."
)


class Command(BaseCommand):
    help = (
        "Load the demo department (Metro City Police Department): 117 foreign training "
        "activities, 243 travelling employees and one sign-in per role. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on production).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        allowed = settings.DEBUG or force or os.environ.get("LIAISON_ALLOW_DEMO") == "1"
        if not allowed:
            raise CommandError(REFUSAL)
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("DEMO_PASSWORD is too weak: " + " ".join(exc.messages)) from exc

        started = time.monotonic()
        report = load_demo(password=password)
        elapsed = time.monotonic() - started

        agency = report.agency
        assert agency is not None
        self.stdout.write(f"{agency.name} (ORI {agency.ori_code}), loaded in {elapsed:.1f} s")
        kinds = sorted(set(report.created) | set(report.existing))
        for kind in kinds:
            self.stdout.write(
                f"  {kind:<16} {report.created[kind]:>4} created, "
                f"{report.existing[kind]:>4} already there"
            )
        if not report.created:
            self.stdout.write("Nothing new: the demo was already loaded.")

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password: {password})"))
        labels = dict(Role.choices)
        for login in DEMO_LOGINS:
            note = ""
            if login.username == "employee" and report.employee_login is not None:
                note = f" — linked to {report.employee_login}"
            if login.username in report.password_kept:
                note += " — existing account, its password was left unchanged"
            self.stdout.write(f"  {login.username:<12} {labels[login.role]}{note}")
