"""Who holds which role where: the one place role grants are read.

Every other app's ``access.py`` asks these functions; none reads RoleGrant itself.
A scope is either ``ALL_AGENCIES`` or a frozenset of agency ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from liaison.accounts.models import Agency, ApiToken, AuthEvent, Role, RoleGrant
from liaison.core.errors import Forbidden


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


def narrow_to_agency(user: Any, agency_id: int) -> None:
    """From now on, ``user`` (this object, for this request) holds its roles in
    ``agency_id`` only: an API token limited to one agency (ADR 0020). Roles held
    elsewhere vanish; a role spanning every agency covers just this one."""
    narrowed: dict[str, Scope] = {}
    for role, scope in role_scopes(user).items():
        if in_scope(scope, agency_id):
            narrowed[role] = frozenset({agency_id})
    setattr(user, _CACHE_ATTR, narrowed)


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
        # Not ``Q()``: an empty Q vanishes when OR-ed (``Q(a) | Q()`` is ``Q(a)``), which
        # would turn "every agency" into "nothing" inside a disjunction. Every scoped row
        # has an agency, so this is always true and still combines correctly.
        return Q(**{f"{field}__isnull": False})
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


def grants_of(user: Any) -> QuerySet[RoleGrant]:
    """The user's own role grants, for "who am I" answers (agency empty: every agency)."""
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    return (
        RoleGrant.objects.filter(user_id=user.pk)
        .select_related("agency")
        .order_by("role", "agency__name")
    )


def api_tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """A user sees only their own tokens (revoked ones too, so the list explains itself)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(user_id=user.pk)
        .select_related("agency")
        .order_by("-created_at", "-id")
    )


# The one set of sentences about where a new record goes (page forms and API alike).
AGENCY_REQUIRED = "Choose the agency this record belongs to: you may add records to more than one."
AGENCY_UNKNOWN = "Unknown agency."
NO_AGENCY = "Your roles do not allow you to add this record to any agency."


def agencies_for_new_record(user: Any, *, roles: Sequence[str]) -> QuerySet[Agency]:
    """The agencies a new record may go into: those where the user holds one of ``roles``
    (a form's agency choices; empty: none)."""
    ids = agencies_where(user, *roles)
    qs = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
    return qs.order_by("name")


def agency_for_new_record(user: Any, *, agency_id: int | None, roles: Sequence[str]) -> Agency:
    """The agency a new record goes into: the one named or, when none is named, the only
    agency in which the user holds one of ``roles``. Both doors (page forms and API) and
    every kind of record (activities, employees, external persons) ask this function, so
    they give the same answer in the same words.

    Naming an agency is not permission to write there: the service still checks that
    (403). An unknown id, or no id from a user with several agencies, is bad input on
    ``agency_id`` (``ValidationError``); a user with no such agency is refused
    (``Forbidden``)."""
    ids = agencies_where(user, *roles)
    if ids == []:
        raise Forbidden(NO_AGENCY)
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise ValidationError({"agency_id": [AGENCY_UNKNOWN]})
        return agency
    if ids is None or len(ids) != 1:
        raise ValidationError({"agency_id": [AGENCY_REQUIRED]})
    return Agency.objects.get(pk=ids[0])


@dataclass(frozen=True)
class Capabilities:
    """What the navigation may offer. Never a substitute for the access checks."""

    signed_in: bool = False
    can_create_activity: bool = False
    can_see_oversight: bool = False
    can_see_people: bool = False
    can_manage_reference_data: bool = False
    # Contacts and vetting (restricted data, ADR 0016) and the log of its reads.
    can_see_vetting: bool = False
    can_see_read_log: bool = False
    # Outcomes and the policy library (ADR 0018): the agency's staff who read every
    # activity (liaison.outcomes.access holds the rule).
    can_see_outcomes: bool = False
    # The authentication log (overseers, administrators) and lockouts (administrators).
    can_see_auth_log: bool = False
    can_unlock: bool = False
    # Importing legacy spreadsheets (ADR 0022; liaison.exchange.access holds the rule).
    can_import: bool = False


# Roles that may read every activity of their agency (employees see only their own).
AGENCY_READERS = (
    Role.APPROVER,
    Role.COMMAND,
    Role.COORDINATOR,
    Role.SECURITY,
    Role.REVIEWER,
    Role.OVERSEER,
    Role.ADMIN,
)
ACTIVITY_CREATORS = (Role.EMPLOYEE, Role.COORDINATOR)
OVERSIGHT_READERS = (Role.OVERSEER, Role.COORDINATOR)
HISTORY_READERS = (Role.COORDINATOR, Role.OVERSEER)
PEOPLE_READERS = AGENCY_READERS
PEOPLE_EDITORS = (Role.COORDINATOR, Role.ADMIN)
REFERENCE_EDITORS = (Role.COORDINATOR, Role.ADMIN)
# Restricted data (contacts, vetting): liaison.vetting.access holds the rule; the
# navigation asks these.
RESTRICTED_READERS = (Role.SECURITY, Role.OVERSEER)
READ_LOG_READERS = (Role.OVERSEER, Role.ADMIN)


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
        can_see_vetting=bool(held & set(RESTRICTED_READERS)),
        can_see_read_log=bool(held & set(READ_LOG_READERS)),
        can_see_outcomes=bool(held & set(AGENCY_READERS)),
        can_see_auth_log=bool(held & set(AUTH_LOG_READERS)),
        can_unlock=Role.ADMIN in held,
        can_import=Role.COORDINATOR in held,
    )


# --- the authentication log and lockouts (ADR 0020) ------------------------------------

AUTH_LOG_READERS = (Role.OVERSEER, Role.ADMIN)


def auth_events_visible_to(user: Any) -> QuerySet[AuthEvent]:
    """The authentication log: overseers and administrators of every agency read all of
    it (failed sign-ins for names that match no account too); those of some agencies
    read the events of accounts that hold a role there."""
    if not getattr(user, "is_authenticated", False):
        return AuthEvent.objects.none()
    scope = scope_for(user, *AUTH_LOG_READERS)
    if isinstance(scope, _AllAgencies):
        return AuthEvent.objects.all()
    if not scope:
        return AuthEvent.objects.none()
    holders = RoleGrant.objects.filter(agency_id__in=sorted(scope)).values("user_id")
    return AuthEvent.objects.filter(user_id__in=holders)


def require_auth_log_reader(user: Any) -> None:
    if scope_for(user, *AUTH_LOG_READERS) == frozenset():
        raise Forbidden("Only overseers and administrators may read the authentication log.")


def require_unlocker(user: Any) -> None:
    if scope_for(user, Role.ADMIN) == frozenset():
        raise Forbidden("Only administrators may see and release lockouts.")


@dataclass(frozen=True)
class Lockout:
    """A lockout in force: of an account name or of a client address."""

    kind: str  # "account" or "address"
    value: str
    failures: int
    locked_until: Any


def lockouts_visible_to(user: Any) -> list[Lockout]:
    """Sign-in lockouts in force (django-axes counts failures per account name and per
    address, each summed over its attempt records within the lockout time), for
    administrators: those of every agency see every name and address, an agency's
    administrator the accounts that hold a role there (never addresses, which no agency
    owns)."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Max, Sum
    from django.utils import timezone

    scope = scope_for(user, Role.ADMIN)
    if scope == frozenset():
        return []
    limit, cooloff = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    found: list[Lockout] = []
    for kind, field in (("account", "username"), ("address", "ip_address")):
        rows = recent.exclude(**{f"{field}__isnull": True})
        if not isinstance(scope, _AllAgencies):
            if kind == "address":
                continue
            names = RoleGrant.objects.filter(agency_id__in=sorted(scope)).values("user__username")
            rows = rows.filter(username__in=names)
        grouped = (
            rows.values(field)
            .annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(total__gte=limit)
            .order_by("-last")
        )
        found += [
            Lockout(kind, str(g[field]), int(g["total"]), g["last"] + cooloff) for g in grouped
        ]
    return found
