"""Who may read and change retention schedules, holds and tombstones (ADR 0024).

- Schedules: coordinators and administrators of an agency set them; overseers,
  coordinators and administrators read them.
- Legal holds: only overseers of the agency place and release them; the same readers.
- Tombstones: overseers, coordinators and administrators of the agency read them.
Anyone else is refused with ``Forbidden`` (403); a record outside the reader's agencies
is answered as missing (``NotFound``, 404), whichever door asked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from liaison.accounts.access import Scope, has_role, in_scope, scope_for, scope_q
from liaison.accounts.models import Agency, Role
from liaison.accounts.reauth import require_recent_authentication
from liaison.core.errors import Forbidden, NotFound
from liaison.retention.models import LegalHold, RetentionSchedule, Tombstone

RETENTION_READERS = (Role.OVERSEER, Role.COORDINATOR, Role.ADMIN)
SCHEDULE_EDITORS = (Role.COORDINATOR, Role.ADMIN)
HOLD_KEEPERS = (Role.OVERSEER,)


def require_retention_reader(user: Any) -> Scope:
    scope = scope_for(user, *RETENTION_READERS)
    if scope == frozenset():
        raise Forbidden("Only overseers, coordinators and administrators see retention records.")
    return scope


def can_edit_schedule(user: Any, agency_id: int) -> bool:
    return any(has_role(user, role, agency_id) for role in SCHEDULE_EDITORS)


def can_keep_holds(user: Any, agency_id: int) -> bool:
    return has_role(user, Role.OVERSEER, agency_id)


def schedule_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies whose schedules ``user`` may set."""
    return Agency.objects.filter(scope_q(scope_for(user, *SCHEDULE_EDITORS), "id")).order_by("name")


def hold_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies where ``user`` may place holds (overseers)."""
    return Agency.objects.filter(scope_q(scope_for(user, *HOLD_KEEPERS), "id")).order_by("name")


def _readable(user: Any) -> Scope:
    # Empty for anyone who reads no retention records: they see none (and a record named
    # by id answers 404, as for any record that is not theirs).
    return scope_for(user, *RETENTION_READERS)


def schedules_visible_to(user: Any) -> QuerySet[RetentionSchedule]:
    return RetentionSchedule.objects.filter(scope_q(_readable(user))).select_related("agency")


def holds_visible_to(user: Any) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(scope_q(_readable(user))).select_related(
        "agency", "placed_by", "released_by", "employee", "external_person"
    )


def tombstones_visible_to(user: Any) -> QuerySet[Tombstone]:
    return Tombstone.objects.filter(scope_q(_readable(user))).select_related(
        "agency", "destroyed_by"
    )


def access_hold(user: Any, pk: int) -> LegalHold:
    hold = holds_visible_to(user).filter(pk=pk).first()
    if hold is None:
        raise NotFound("No hold with that number.")
    return hold


def access_tombstone(user: Any, pk: int) -> Tombstone:
    tombstone = tombstones_visible_to(user).filter(pk=pk).first()
    if tombstone is None:
        raise NotFound("No tombstone with that number.")
    return tombstone


def access_schedule_agency(user: Any, agency_id: int) -> Agency:
    """The agency whose schedule ``user`` asks to set: 404 outside their readable agencies,
    403 when they may read but not set it."""
    if not in_scope(_readable(user), agency_id):
        raise NotFound("No agency with that id.")
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("No agency with that id.")
    if not can_edit_schedule(user, agency_id):
        raise Forbidden("Only coordinators and administrators set retention schedules.")
    return agency


def require_reauthentication(request: Any) -> None:
    """THE ONE PLACE where re-authentication is applied to legal holds (ADR 0021, 0024):
    placing or releasing a hold needs a password or MFA check within ``REAUTH_MINUTES``.
    Both doors call this before the service; the pages are also decorated with
    ``reauthentication_required(methods=("POST",))``, which sends the user to confirm and
    back, so on a page this refuses only what the decorator let through. A bearer token
    passes (it is itself a script's credential)."""
    require_recent_authentication(request)
