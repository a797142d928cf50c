"""Release a sign-in lockout from the shell: ``manage.py unlock --username NAME`` and/or
``--ip ADDRESS`` (the system acts: the log names no user)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.services import account_unlock


class Command(BaseCommand):
    help = "Release a sign-in lockout of an account name and/or a client address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="", help="the account name")
        parser.add_argument("--ip", default="", help="the client address")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cleared = account_unlock(
                actor=None, username=options["username"], ip_address=options["ip"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        what = " and ".join(x for x in (options["username"], options["ip"]) if x)
        self.stdout.write(f"Unlocked {what} ({cleared} attempt record(s) cleared).")
