"""``python manage.py load_policy_library --agency ORI [--user USERNAME]``: add seed 002's
policies (``outcomes.library.SEED_002``) to an agency's policy library, through the same
service as the demo (``services.policy_library_load``). Entries already in the library
(by identifier) are left as they are, so running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.models import Agency, User
from liaison.core.errors import DomainError, validation_messages
from liaison.outcomes.library import SEED_002
from liaison.outcomes.services import policy_library_load


class Command(BaseCommand):
    help = "Load the first entries of an agency's policy library (seed 002's policies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agency", required=True, help="The agency's ORI code (or its id) the library is for."
        )
        parser.add_argument(
            "--user",
            default="",
            help="Attribute the entries to this policy reviewer (default: the system, as "
            "for any command run with shell access).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["agency"]
        agency = Agency.objects.filter(ori_code=key).first()
        if agency is None and key.isdigit():
            agency = Agency.objects.filter(pk=int(key)).first()
        if agency is None:
            raise CommandError(f"No agency with ORI code or id {key!r}.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['user']!r}.")
        try:
            result = policy_library_load(actor=actor, agency=agency, entries=SEED_002)
        except ValidationError as exc:
            lines = [m for messages in validation_messages(exc).values() for m in messages]
            raise CommandError("Nothing was loaded:\n  " + "\n  ".join(lines)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Added {len(result.created)} policies to {agency.name}'s library; "
            f"{len(result.existing)} were already there."
        )
