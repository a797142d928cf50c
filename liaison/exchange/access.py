"""Who may import, and the choke point through which an import batch reaches a user.

Only coordinators import (and see the batches) of their agency. Exports need no rule of
their own: they are the activity list's rows, through ``activities_visible_to``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from liaison.accounts.access import agencies_where, has_role
from liaison.accounts.models import Role
from liaison.core.errors import NotFound
from liaison.exchange.models import ImportBatch

IMPORTERS = (Role.COORDINATOR,)


def can_import(user: Any, agency_id: int) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(
        user, Role.COORDINATOR, agency_id
    )


def import_agencies(user: Any) -> list[int]:
    """Agencies where ``user`` may import (an empty list: none)."""
    if not getattr(user, "is_authenticated", False):
        return []
    found = agencies_where(user, *IMPORTERS)
    if found is None:  # a grant spanning every agency
        from liaison.accounts.models import Agency

        return list(Agency.objects.values_list("pk", flat=True))
    return found


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(agency_id__in=import_agencies(user))


def access_batch(user: Any, pk: int) -> ImportBatch:
    """A batch of an agency where ``user`` imports; ``NotFound`` for any other, as for
    one that does not exist."""
    batch = batches_visible_to(user).select_related("agency", "uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise NotFound("No import with that id.")
    return batch
