"""Who may read oversight figures, and for which agencies.

Overseers and coordinators (``OVERSIGHT_READERS``) read the figures of the agencies where
they hold that role; everyone else is refused with ``Forbidden`` (403), and an agency
outside the reader's scope is answered as missing (404), like any other record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from liaison.accounts.access import OVERSIGHT_READERS, Scope, in_scope, scope_for, scope_q
from liaison.accounts.models import Agency
from liaison.core.errors import Forbidden, NotFound


def require_oversight(user: Any) -> Scope:
    """The agencies whose oversight figures the user may read; ``Forbidden`` if none."""
    scope = scope_for(user, *OVERSIGHT_READERS)
    if scope == frozenset():
        raise Forbidden("Only overseers and coordinators may see oversight figures.")
    return scope


def oversight_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies the user may report on (empty for everyone else), by name."""
    return Agency.objects.filter(scope_q(scope_for(user, *OVERSIGHT_READERS), "id")).order_by(
        "name"
    )


def oversight_scope(user: Any, *, agency_id: int | None = None) -> Scope:
    """The user's oversight scope, narrowed to ``agency_id`` when one is named. Naming an
    agency outside the scope (or none that exists) raises ``NotFound``: we never confirm
    that another agency's records exist."""
    scope = scope_for(user, *OVERSIGHT_READERS)
    if agency_id is None:
        return scope
    if not in_scope(scope, agency_id) or not Agency.objects.filter(pk=agency_id).exists():
        raise NotFound("No agency with that id.")
    return frozenset({agency_id})
