"""``agency_create`` and ``user_create``: the system or an administrator only, validated
before anything is written, one attributed history row each."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from liaison.accounts.models import Agency, User
from liaison.accounts.services import agency_create, user_create
from liaison.accounts.tests.factories import user_with_role
from liaison.core.errors import Forbidden

pytestmark = pytest.mark.django_db


# --- agency_create ----------------------------------------------------------------------


def test_the_system_adds_an_agency_and_the_history_names_no_user() -> None:
    agency = agency_create(actor=None, name="  Harbor   Police ", ori_code="ca0191234", state="ca")
    assert (agency.name, agency.ori_code, agency.state) == ("Harbor Police", "CA0191234", "CA")
    (row,) = agency.history.all()  # type: ignore[attr-defined]
    assert (row.history_type, row.history_user) == ("+", None)


def test_an_administrator_of_every_agency_adds_an_agency_attributed_to_them() -> None:
    admin = user_with_role("admin", None, "root-admin")
    agency = agency_create(actor=admin, name="Harbor Police", ori_code="CA0191234", state="CA")
    (row,) = agency.history.all()  # type: ignore[attr-defined]
    assert row.history_user == admin


@pytest.mark.parametrize("role", ["admin", "coordinator", "overseer"])
def test_an_agency_bound_role_may_not_add_an_agency(agency: Agency, role: str) -> None:
    user = user_with_role(role, agency, f"{role}-x")
    before = Agency.objects.count()
    with pytest.raises(Forbidden):
        agency_create(actor=user, name="Harbor Police", ori_code="CA0191234", state="CA")
    assert Agency.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"name": "Harbor Police", "ori_code": "12", "state": "CA"}, "ori_code"),
        ({"name": "Harbor Police", "ori_code": "CA0191234", "state": "California"}, "state"),
        ({"name": "Metro Police Department", "ori_code": "CA0191234", "state": "CA"}, "name"),
        ({"name": "Harbor Police", "ori_code": "CA0194200", "state": "CA"}, "ori_code"),
        ({"name": "  ", "ori_code": "CA0191234", "state": "CA"}, "name"),
    ],
)
def test_it_refuses_a_bad_or_taken_agency_and_writes_nothing(
    agency: Agency, fields: dict[str, str], key: str
) -> None:
    before = (Agency.objects.count(), Agency.history.count())  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as caught:
        agency_create(actor=None, **fields)
    assert key in caught.value.message_dict
    assert (Agency.objects.count(), Agency.history.count()) == before  # type: ignore[attr-defined]


# --- user_create ------------------------------------------------------------------------


def test_the_system_adds_a_user_who_cannot_sign_in_without_a_password() -> None:
    user = user_create(actor=None, username="loader", first_name="Demo", last_name="loader")
    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)
    (row,) = user.history.all()  # type: ignore[attr-defined]
    assert (row.history_type, row.history_user) == ("+", None)


def test_a_user_made_with_a_hash_signs_in_with_that_password() -> None:
    user = user_create(
        actor=None,
        username="coordinator",
        first_name="Denise",
        last_name="Whitfield",
        password_hash=make_password("a long demo password"),
    )
    assert User.objects.get(pk=user.pk).check_password("a long demo password")


def test_an_administrator_adds_a_user_attributed_to_them(administrator: User) -> None:
    user = user_create(actor=administrator, username="new", first_name="N", last_name="W")
    (row,) = user.history.all()  # type: ignore[attr-defined]
    assert row.history_user == administrator


def test_a_coordinator_may_not_add_users(clerk: User) -> None:
    before = User.objects.count()
    with pytest.raises(Forbidden):
        user_create(actor=clerk, username="new", first_name="N", last_name="W")
    assert User.objects.count() == before


def test_only_a_superuser_may_create_an_account_that_opens_the_admin(administrator: User) -> None:
    with pytest.raises(Forbidden):
        user_create(actor=administrator, username="x", first_name="", last_name="", is_staff=True)
    assert not User.objects.filter(username="x").exists()
    administrator.is_superuser = True
    boss = user_create(
        actor=administrator, username="x", first_name="", last_name="", is_superuser=True
    )
    assert boss.is_superuser
    system_made = user_create(actor=None, username="y", first_name="", last_name="", is_staff=True)
    assert system_made.is_staff


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"username": "clerk"}, "username"),
        ({"username": "no spaces allowed"}, "username"),
        ({"username": ""}, "username"),
        ({"username": "fine", "password_hash": "plain-text"}, "password_hash"),
    ],
)
def test_it_refuses_a_bad_or_taken_username_or_hash_and_writes_nothing(
    clerk: User, fields: dict[str, str], key: str
) -> None:
    before = (User.objects.count(), User.history.count())  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, first_name="A", last_name="B", **fields)  # type: ignore[arg-type]
    assert key in caught.value.message_dict
    assert (User.objects.count(), User.history.count()) == before  # type: ignore[attr-defined]
