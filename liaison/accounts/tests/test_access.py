"""Role grants and agency scopes: the facts every access check is built on."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from liaison.accounts.access import ALL_AGENCIES, has_role, role_scopes, scope_for
from liaison.accounts.models import Agency, RoleGrant, User
from liaison.accounts.tests.factories import UserFactory


def test_a_role_covers_only_the_agency_it_was_granted_in(
    clerk: User, agency: Agency, other_agency: Agency
) -> None:
    assert has_role(clerk, "coordinator", agency.pk)
    assert not has_role(clerk, "coordinator", other_agency.pk)
    assert scope_for(clerk, "coordinator") == frozenset({agency.pk})


def test_an_overseer_grant_without_agency_spans_every_agency(
    agency: Agency, other_agency: Agency
) -> None:
    statewide = UserFactory.create(username="state-ig")
    RoleGrant.objects.create(user=statewide, role="overseer", agency=None)
    assert scope_for(statewide, "overseer") is ALL_AGENCIES
    assert has_role(statewide, "overseer", other_agency.pk)


def test_only_overseers_and_administrators_may_span_agencies(agency: Agency) -> None:
    user = UserFactory.create(username="wide-clerk")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role="coordinator", agency=None)


def test_a_user_may_hold_several_roles(agency: Agency, other_agency: Agency) -> None:
    user = UserFactory.create(username="two-hats")
    RoleGrant.objects.create(user=user, role="coordinator", agency=agency)
    RoleGrant.objects.create(user=user, role="overseer", agency=other_agency)
    assert set(role_scopes(user)) == {"coordinator", "overseer"}
    assert scope_for(user, "coordinator", "overseer") == frozenset({agency.pk, other_agency.pk})


def test_an_inactive_user_holds_no_roles(clerk: User) -> None:
    clerk.is_active = False
    assert role_scopes(clerk) == {}


def test_agency_codes_are_checked_by_the_database(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(name="Bad", ori_code="bad", state="CA")


def test_an_all_agency_scope_survives_being_combined_with_another_condition(
    agency: Agency, other_agency: Agency
) -> None:
    # Regression: scope_q(ALL_AGENCIES) used to be an empty Q(), which disappears in an OR
    # and made a statewide overseer see nothing.
    from liaison.accounts.access import scope_q
    from liaison.activities.models import Activity
    from liaison.activities.tests.factories import ActivityFactory

    ActivityFactory.create(agency=agency)
    ActivityFactory.create(agency=other_agency)
    combined = Q(pk__in=[]) | scope_q(ALL_AGENCIES)
    assert Activity.objects.filter(combined).count() == 2
