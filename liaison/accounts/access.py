"""Who holds which role where: the one place role grants are read.

Every other app's ``access.py`` asks these functions; none reads RoleGrant itself.
A scope is either ``ALL_AGENCIES`` or a frozenset of agency ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Q

from liaison.accounts.models import Role, RoleGrant


class _AllAgencies:
    def __repr__(self) -> str:
        return "ALL_AGENCIES"


ALL_AGENCIES: Final = _AllAgencies()
Scope = _AllAgencies | frozenset[int]

_CACHE_ATTR = "_liaison_role_scopes"


def role_scopes(user: Any) -> dict[str, Scope]:
    """Map each role the user holds to the agencies it covers (cached per user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    scopes: dict[str, set[int] | _AllAgencies] = {}
    for role, agency_id in RoleGrant.objects.filter(user=user).values_list("role", "agency_id"):
        if agency_id is None:
            scopes[role] = ALL_AGENCIES
        elif scopes.get(role) is not ALL_AGENCIES:
            current = scopes.setdefault(role, set())
            assert isinstance(current, set)
            current.add(agency_id)
    result: dict[str, Scope] = {
        role: (s if isinstance(s, _AllAgencies) else frozenset(s)) for role, s in scopes.items()
    }
    setattr(user, _CACHE_ATTR, result)
    return result


def scope_for(user: Any, *roles: str) -> Scope:
    """The union of agencies in which the user holds any of ``roles``."""
    union: set[int] = set()
    for role, scope in role_scopes(user).items():
        if role in roles:
            if isinstance(scope, _AllAgencies):
                return ALL_AGENCIES
            union |= scope
    return frozenset(union)


def scope_q(scope: Scope, field: str = "agency_id") -> Q:
    """A filter that keeps rows whose ``field`` is inside ``scope``."""
    if isinstance(scope, _AllAgencies):
        return Q()
    if not scope:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": sorted(scope)})


def in_scope(scope: Scope, agency_id: int | None) -> bool:
    return isinstance(scope, _AllAgencies) or agency_id in scope


def has_role(user: Any, role: str, agency_id: int | None = None) -> bool:
    """True if the user holds ``role`` (in ``agency_id`` when given)."""
    scope = role_scopes(user).get(role)
    if scope is None:
        return False
    return agency_id is None or in_scope(scope, agency_id)


def agencies_where(user: Any, *roles: str) -> list[int] | None:
    """Agency ids for form choices; ``None`` means every agency."""
    scope = scope_for(user, *roles)
    return None if isinstance(scope, _AllAgencies) else sorted(scope)


@dataclass(frozen=True)
class Capabilities:
    """What the navigation may offer. Never a substitute for the access checks."""

    signed_in: bool = False
    can_create_activity: bool = False
    can_see_oversight: bool = False
    can_see_people: bool = False
    can_manage_reference_data: bool = False


# Roles that may read every activity of their agency (employees see only their own).
AGENCY_READERS = (Role.APPROVER, Role.COORDINATOR, Role.SECURITY, Role.REVIEWER,
                  Role.OVERSEER, Role.ADMIN)
ACTIVITY_CREATORS = (Role.EMPLOYEE, Role.COORDINATOR)
OVERSIGHT_READERS = (Role.OVERSEER, Role.COORDINATOR)
HISTORY_READERS = (Role.COORDINATOR, Role.OVERSEER)
PEOPLE_READERS = AGENCY_READERS
PEOPLE_EDITORS = (Role.COORDINATOR, Role.ADMIN)
REFERENCE_EDITORS = (Role.COORDINATOR, Role.ADMIN)


def capabilities_for(user: Any) -> Capabilities:
    if not getattr(user, "is_authenticated", False):
        return Capabilities()
    held = set(role_scopes(user))
    return Capabilities(
        signed_in=True,
        can_create_activity=bool(held & set(ACTIVITY_CREATORS)),
        can_see_oversight=bool(held & set(OVERSIGHT_READERS)),
        can_see_people=bool(held & set(PEOPLE_READERS)),
        can_manage_reference_data=bool(held & set(REFERENCE_EDITORS)),
    )
