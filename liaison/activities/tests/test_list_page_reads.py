"""The list page reads its rows, count and years through kept statements (ADR 0034): each
answer is compared here with the ORM read it replaces, on a miss and on a hit, and the data
is never kept (a change shows on the next request)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.models import Agency, User
from liaison.activities import selectors
from liaison.activities.access import visibility_key
from liaison.activities.models import Activity
from liaison.activities.selectors import ActivityFilters
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.core import statements
from liaison.core.pagination import paginate
from liaison.people.models import Employee


def _expected(user: User, filters: ActivityFilters, page: int) -> tuple[Any, list[tuple[Any, ...]]]:
    """What the page read before: ``paginate`` over the model query, as model instances."""
    found = paginate(
        selectors.with_list_relations(
            selectors.activity_list(user=user, filters=filters),
            agency=False,
            category=False,
            locations=False,
        ),
        page=page,
    )
    rows = [
        (
            a.pk,
            a.title,
            a.start_date,
            a.end_date,
            a.category_id,
            a.status,
            a.direction,
            a.flag_started_without_approval,
        )
        for a in found.items
    ]
    shape = (found.count, found.number, found.count_is_exact, found.has_more)
    return shape, rows


def _read(user: User, filters: ActivityFilters, page: int) -> tuple[Any, list[tuple[Any, ...]]]:
    found = selectors.activity_list_page(user=user, filters=filters, page=page)
    rows = [
        (
            r.pk,
            r.title,
            r.start_date,
            r.end_date,
            r.category_id,
            r.status,
            r.direction,
            r.flag_started_without_approval,
        )
        for r in found.items
    ]
    for r in found.items:
        # Exact types, as the ORM converts them (SQLite answers dates as strings).
        assert type(r.start_date) is dt.date and type(r.end_date) is dt.date
        assert type(r.flag_started_without_approval) is bool
    shape = (found.count, found.number, found.count_is_exact, found.has_more)
    return shape, rows


@pytest.fixture
def registry(agency: Agency, other_agency: Agency, employee_record: Employee) -> None:
    for n in range(30):
        ActivityFactory.create(
            agency=agency if n % 3 else other_agency,
            title=f"Course {n:02d}",
            start_date=dt.date(2017 + n % 6, 1 + n % 12, 1 + n % 28),
            end_date=dt.date(2017 + n % 6, 1 + n % 12, 1 + n % 28) + dt.timedelta(days=n % 2),
            status=["completed", "approved", "draft", "submitted"][n % 4],
            direction=["outbound", "inbound", "virtual"][n % 3],
        )
    # One approved in time (not flagged); the employee takes part in two.
    approved = Activity.objects.filter(status="approved").order_by("pk").first()
    assert approved is not None
    # The approvals app sits above this one: its step is reached by relation name.
    approved.approval_steps.create(  # type: ignore[attr-defined]
        kind="approval",
        role="approver",
        state="approved",
        decided_by_name="A. Approver",
        decided_at=dt.datetime(2016, 1, 1, tzinfo=dt.UTC),
    )
    for activity in Activity.objects.order_by("pk")[:2]:
        ParticipationFactory.create(activity=activity, employee=employee_record)


FILTERS = [
    ActivityFilters(),
    ActivityFilters(sort="title"),
    ActivityFilters(year=2019),
    ActivityFilters(status="completed", sort="start_date"),
    ActivityFilters(country="CA"),
    ActivityFilters(q="course"),
    ActivityFilters(started_without_approval=True),
    ActivityFilters(statuses=("approved", "completed"), direction_groups=("abroad",)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk", "inspector", "employee_user", "outsider"])
@pytest.mark.parametrize("filters", FILTERS, ids=[str(n) for n in range(len(FILTERS))])
def test_the_page_reads_what_paginate_over_the_model_query_reads(
    request: pytest.FixtureRequest, registry: None, who: str, filters: ActivityFilters
) -> None:
    user = request.getfixturevalue(who)
    statements.forget_all()
    for page in (1, 2, 9):
        expected = _expected(user, filters, page)
        assert _read(user, filters, page) == expected  # miss: the ORM's own answer
        assert _read(user, filters, page) == expected  # hit: the kept statement's


@pytest.mark.django_db
def test_a_capped_count_reads_one_row_more_on_a_hit_too(
    settings: Any, clerk: User, registry: None
) -> None:
    settings.LIST_COUNT_LIMIT = 5
    settings.PAGE_SIZE = 4
    for page in (1, 2, 7):
        expected = _expected(clerk, ActivityFilters(), page)
        assert _read(clerk, ActivityFilters(), page) == expected
        assert _read(clerk, ActivityFilters(), page) == expected
        assert expected[0][2] is False  # the count is capped


@pytest.mark.django_db
def test_the_data_is_read_every_time(clerk: User, agency: Agency, registry: None) -> None:
    filters = ActivityFilters()
    before = _read(clerk, filters, 1)
    years_before = selectors.year_range(user=clerk)
    newest = ActivityFactory.create(
        agency=agency, title="Newest", start_date=dt.date(2031, 2, 2), end_date=dt.date(2031, 2, 3)
    )

    after = _read(clerk, filters, 1)
    years_after = selectors.year_range(user=clerk)

    assert after[0][0] == before[0][0] + 1
    assert after[1][0][:2] == (newest.pk, "Newest")
    assert years_after[0] == 2031 and years_after[1:] == list(range(2030, years_before[-1] - 1, -1))
    newest.delete()
    assert _read(clerk, filters, 1) == before
    assert selectors.year_range(user=clerk) == years_before


@pytest.mark.django_db
def test_a_hit_is_one_statement_and_builds_no_query(clerk: User, registry: None) -> None:
    filters = ActivityFilters(year=2019)
    _read(clerk, filters, 1)
    with CaptureQueriesContext(connection) as hit:
        _read(clerk, filters, 1)
    # The count and the rows: nothing else, the same statements as the miss.
    assert len(hit.captured_queries) == 2
    assert "COUNT(*)" in hit.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_the_person_filter_looks_people_up_so_its_statements_are_not_kept(
    clerk: User, registry: None, employee_record: Employee
) -> None:
    filters = ActivityFilters(person=employee_record.serial_number)
    statements.forget_all()
    assert _read(clerk, filters, 1) == _expected(clerk, filters, 1)
    assert not statements._kept
    # Renumbered: the same words now name no one, and the page says so at once.
    employee_record.serial_number = "99999"
    employee_record.save()
    assert _read(clerk, filters, 1)[1] == []


@pytest.mark.django_db
def test_the_rule_key_follows_the_roles(clerk: User, agency: Agency, other_agency: Agency) -> None:
    from liaison.accounts.access import narrow_to_agency, role_scopes
    from liaison.accounts.models import RoleGrant

    first = visibility_key(clerk)
    RoleGrant.objects.create(user=clerk, role="coordinator", agency=other_agency)
    again = User.objects.get(pk=clerk.pk)
    widened = visibility_key(again)
    assert widened != first
    narrow_to_agency(again, agency.pk)
    assert visibility_key(again) == first
    assert role_scopes(again)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk", "inspector", "employee_user", "outsider"])
def test_the_year_range_is_what_the_orm_reads(
    request: pytest.FixtureRequest, registry: None, who: str
) -> None:
    user = request.getfixturevalue(who)
    statements.forget_all()
    dates = selectors.activities_visible_to(user).values_list("start_date", flat=True)
    found = sorted(dates)
    expected = list(range(found[-1].year, found[0].year - 1, -1)) if found else []
    assert selectors.year_range(user=user) == expected
    assert selectors.year_range(user=user) == expected


def _fields(category: Any) -> tuple[Any, ...]:
    return (category.pk, category.name, category.slug, category.description, category.active)


@pytest.mark.django_db
def test_the_category_vocabulary_is_category_list_read_every_time() -> None:
    from liaison.activities.models import Category
    from liaison.activities.tests.factories import CategoryFactory

    CategoryFactory.create(name="<b>Bold</b> & co", slug="bold", description="d", active=False)
    CategoryFactory.create(name="Able", slug="able")
    statements.forget_all()
    for _ in range(2):  # a miss, then a hit
        found = selectors.category_vocabulary()
        assert [_fields(c) for c in found] == [_fields(c) for c in selectors.category_list()]
        assert all(type(c) is Category and type(c.active) is bool for c in found)
        assert all(not c._state.adding for c in found)
    Category.objects.filter(slug="able").update(name="Zeta", active=False)
    renamed = {c.slug: c for c in selectors.category_vocabulary()}["able"]
    assert (renamed.name, renamed.active) == ("Zeta", False)
