"""``python manage.py apply_retention [--dry-run] [--actor USERNAME] [--agency ORI]``

Destroys every activity that is due under its agency's retention schedule and kept by no
legal hold in force, leaving a tombstone for each (ADR 0024). ``--dry-run`` changes nothing
and lists what would be destroyed and what a hold keeps. The destruction is attributed to
``--actor`` or, by default, to the system user ``retention-system`` (created on first use,
with no password: it cannot sign in).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from liaison.accounts.models import Agency
from liaison.accounts.services import user_create
from liaison.retention.services import retention_apply

SYSTEM_USERNAME = "retention-system"


def system_actor() -> Any:
    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_create(
            actor=None, username=SYSTEM_USERNAME, first_name="Retention", last_name="(system)"
        )
    return user


class Command(BaseCommand):
    help = "Destroy records that are due under retention and not held; leave tombstones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; list.")
        parser.add_argument("--actor", default="", help="Username the destruction is by.")
        parser.add_argument("--agency", default="", help="Only this agency (ORI code).")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Any
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None or not actor.is_active:
                raise CommandError(f"No active user named “{options['actor']}”.")
        else:
            actor = system_actor() if not options["dry_run"] else None
        agency_ids = None
        if options["agency"]:
            agency = Agency.objects.filter(ori_code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency with ORI code “{options['agency']}”.")
            agency_ids = [agency.pk]
        if options["dry_run"]:
            from liaison.retention.services import retention_plan

            plan = retention_plan(agency_ids=agency_ids)
        else:
            plan = retention_apply(actor=actor, agency_ids=agency_ids)
        today = timezone.localdate().isoformat()
        verb = "Would destroy" if options["dry_run"] else "Destroyed"
        gone = plan.due if options["dry_run"] else plan.destroyed
        self.stdout.write(f"{verb} {len(gone)} record(s) as of {today}.")
        if options["dry_run"]:
            for item in plan.due:
                a = item.activity
                self.stdout.write(
                    f"  destroy activity {a.pk} “{a.title}” ended {a.end_date} "
                    f"(due {item.due_on}, {item.schedule.years}-year schedule)"
                )
        else:
            for t in plan.destroyed:
                self.stdout.write(
                    f"  destroyed activity {t.record_number} “{t.title}” → tombstone {t.pk} "
                    f"sha256 {t.content_sha256}"
                )
        self.stdout.write(f"Kept by a legal hold: {len(plan.held)}.")
        for item in plan.held:
            a = item.activity
            holds = "; ".join(f"hold {h.pk} on {h.scope_label}" for h in item.holds)
            self.stdout.write(f"  keep activity {a.pk} “{a.title}” (due {item.due_on}): {holds}")
