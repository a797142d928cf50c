"""The choke point through which contacts, inbound trainees and vetting requests reach a
user: restricted data (ADR 0016).

Only security officers and overseers of a record's agency see it. Everyone else —
coordinators, approvers, administrators, the traveller — gets ``NotFound``, the same answer
as for a record that does not exist, on pages and in the API; lists never hold it.
Administrators manage accounts, not vetting: they read the *log* of reads, not the data.
Security officers write; overseers only read (``Forbidden`` when they try to write).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from liaison.accounts.access import (
    READ_LOG_READERS,
    RESTRICTED_READERS,
    has_role,
    scope_for,
    scope_q,
)
from liaison.accounts.models import Role
from liaison.activities.access import access_activity
from liaison.activities.models import Activity
from liaison.core.errors import Forbidden, NotFound
from liaison.records.models import RestrictedRead
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest

__all__ = ["READ_LOG_READERS", "RESTRICTED_READERS", "VETTING_EDITORS"]

VETTING_EDITORS = (Role.SECURITY,)

Action = Literal["view", "change"]

NOT_A_WRITER = "Only security officers may record contacts, trainees and vetting."


def _scoped(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_for(user, *RESTRICTED_READERS)
    if scope == frozenset():
        return qs.none()
    return qs.filter(scope_q(scope))


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    return _scoped(user, Contact.objects.all())


def trainees_visible_to(user: Any) -> QuerySet[InboundTrainee]:
    return _scoped(user, InboundTrainee.objects.all())


def vetting_visible_to(user: Any) -> QuerySet[VettingRequest]:
    return _scoped(user, VettingRequest.objects.all())


def may_read_restricted(user: Any, agency_id: int | None = None) -> bool:
    return any(has_role(user, r, agency_id) for r in RESTRICTED_READERS)


def can_edit_vetting(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in VETTING_EDITORS)


def _check(user: Any, agency_id: int, action: Action) -> None:
    if action == "change" and not can_edit_vetting(user, agency_id):
        raise Forbidden(NOT_A_WRITER)


def access_restricted_activity(user: Any, pk: int, *, action: Action = "view") -> Activity:
    """An activity whose contacts and trainees the user may read (``change``: record).
    ``NotFound`` unless the user may see the activity *and* read its restricted data."""
    activity = access_activity(user, pk)
    if not may_read_restricted(user, activity.agency_id):
        raise NotFound("No activity with that id.")
    _check(user, activity.agency_id, action)
    return activity


def access_contact(user: Any, pk: int, *, action: Action = "view") -> Contact:
    contact = (
        contacts_visible_to(user)
        .select_related("activity", "external_person", "organisation", "agency")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise NotFound("No contact with that id.")
    _check(user, contact.agency_id, action)
    return contact


def access_trainee(user: Any, pk: int, *, action: Action = "view") -> InboundTrainee:
    trainee = (
        trainees_visible_to(user)
        .select_related("activity", "external_person", "sponsoring_organisation", "agency")
        .filter(pk=pk)
        .first()
    )
    if trainee is None:
        raise NotFound("No trainee with that id.")
    _check(user, trainee.agency_id, action)
    return trainee


def access_vetting(user: Any, pk: int, *, action: Action = "view") -> VettingRequest:
    vetting = (
        vetting_visible_to(user)
        .select_related(
            "contact__external_person",
            "contact__organisation",
            "contact__activity",
            "trainee__external_person",
            "trainee__activity",
        )
        .filter(pk=pk)
        .first()
    )
    if vetting is None:
        raise NotFound("No vetting request with that id.")
    _check(user, vetting.agency_id, action)
    return vetting


def require_restricted_reader(user: Any) -> None:
    """Lists of restricted data: ``NotFound`` for anyone who may read none of it (the
    list does not exist for them, as a record does not)."""
    if scope_for(user, *RESTRICTED_READERS) == frozenset():
        raise NotFound("Not found.")


def reads_visible_to(user: Any) -> QuerySet[RestrictedRead]:
    """The log of reads: overseers and administrators of the agency read it."""
    if not getattr(user, "is_authenticated", False):
        return RestrictedRead.objects.none()
    scope = scope_for(user, *READ_LOG_READERS)
    if scope == frozenset():
        return RestrictedRead.objects.none()
    return RestrictedRead.objects.filter(scope_q(scope))


def require_read_log_reader(user: Any) -> None:
    if scope_for(user, *READ_LOG_READERS) == frozenset():
        raise Forbidden("Only overseers and administrators may read the log of restricted reads.")
