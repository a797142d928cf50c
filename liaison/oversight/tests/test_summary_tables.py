"""The summary tables (ADR 0013): the figures read from them equal the figures counted
live, under any filter, and every activity service keeps them so.

The live count (``registry_summary(..., from_tables=False)``) is the reference: it is the
counting the summary did before the tables, checked by test_summary.py against the lists
each figure links to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity, Participation, SummaryCell, SummaryCount
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_import,
    activity_transition,
    activity_update,
    participation_withdraw,
)
from liaison.activities.summary import (
    bitmap_decode,
    bitmap_encode,
    bitmap_of,
    summary_differences,
    summary_rebuild,
)
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.activities.workflow import Status
from liaison.oversight.selectors import SummaryFilters, registry_summary, summary_plan
from liaison.people.tests.factories import EmployeeFactory, ExternalPersonFactory
from liaison.security.tests.factories import done_assessment

COUNTRIES = ["CA", "IL", "FR", "MX", "US", "GB"]
DIRECTIONS = ["outbound", "outbound", "inbound", "foreign_trainers", "virtual"]


def _both(user: User, filters: SummaryFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    tables = registry_summary(user=user, filters=filters)
    live = registry_summary(user=user, filters=filters, from_tables=False)
    tables.pop("as_of")
    live.pop("as_of")
    return tables, live


@pytest.fixture
def random_registry(agency: Agency, other_agency: Agency) -> None:
    """Sixty activities spread over 2021–2023, on month and year edges on purpose, in
    every status and direction, with repeated participants and multi-country itineraries."""
    rng = random.Random(20261125)
    categories = [
        CategoryFactory.create(name=f"Category {n}", slug=f"category-{n}") for n in range(3)
    ]
    people = {
        a.pk: [EmployeeFactory.create(agency=a) for _ in range(12)] for a in (agency, other_agency)
    }
    edges = [dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2022, 6, 30), dt.date(2023, 3, 1)]
    for n in range(60):
        owner = agency if n % 4 else other_agency
        start = (
            edges[n]
            if n < len(edges)
            else dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
        )
        activity = ActivityFactory.create(
            agency=owner,
            start_date=start,
            end_date=start + dt.timedelta(days=rng.randrange(10)),
            category=rng.choice(categories),
            direction=rng.choice(DIRECTIONS),
            status=rng.choice(Status.values),
        )
        for position, country in enumerate(rng.sample(COUNTRIES, rng.randrange(1, 4))):
            LocationFactory.create(activity=activity, country=country, position=position)
        for employee in rng.sample(people[owner.pk], rng.randrange(0, 5)):
            ParticipationFactory.create(activity=activity, employee=employee)
        if n % 7 == 0:
            ParticipationFactory.create(
                activity=activity,
                employee=None,
                external_person=ExternalPersonFactory.create(agency=owner),
                role="trainee",
            )
    # Factories write rows directly, not through the services: recount (ADR 0013).
    summary_rebuild()


def _filters(rng: random.Random) -> SummaryFilters:
    def day() -> dt.date | None:
        if rng.random() < 0.2:
            return None
        return dt.date(2020, 11, 1) + dt.timedelta(days=rng.randrange(4 * 365))

    start_from, start_to = day(), day()
    if start_from and start_to and start_from > start_to:
        start_from, start_to = start_to, start_from
    return SummaryFilters(
        start_from=start_from,
        start_to=start_to,
        statuses=tuple(rng.sample(Status.values, rng.randrange(0, 4))),
        direction_groups=tuple(rng.sample(["abroad", "at_home", "virtual"], rng.randrange(0, 3))),
    )


EDGE_RANGES = [
    (None, None),
    (dt.date(2022, 1, 1), dt.date(2022, 12, 31)),  # one whole year
    (dt.date(2021, 12, 31), dt.date(2022, 1, 1)),  # two days across a year end
    (dt.date(2022, 1, 1), None),
    (None, dt.date(2022, 6, 30)),
    (dt.date(2022, 6, 30), dt.date(2022, 6, 30)),  # one day
    (dt.date(2021, 3, 15), dt.date(2023, 2, 10)),  # edges, months and a whole year
    (dt.date(2022, 2, 1), dt.date(2022, 11, 30)),  # whole months inside a year
    (dt.date(2022, 2, 10), dt.date(2022, 2, 20)),  # inside one month
]


@pytest.mark.parametrize(("start_from", "start_to"), EDGE_RANGES)
def test_the_tables_give_the_live_figures_at_the_edges_of_months_and_years(
    random_registry: None, inspector: User, start_from: Any, start_to: Any
) -> None:
    tables, live = _both(inspector, SummaryFilters(start_from=start_from, start_to=start_to))
    assert tables == live


def test_the_tables_give_the_live_figures_under_random_filters(
    random_registry: None, inspector: User, agency: Agency, other_agency: Agency
) -> None:
    every_agency = user_with_role("overseer", None, "auditor")
    rng = random.Random(7)
    for _ in range(40):
        f = _filters(rng)
        if rng.random() < 0.3:
            f = dataclasses.replace(f, agency=agency.pk)
        tables, live = _both(every_agency, f)
        assert tables == live, f
    assert registry_summary(user=inspector)["total_activities"] > 0  # the data is there


@settings(deadline=None)
@given(
    st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))),
    st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31))),
)
def test_a_date_range_is_cut_into_pieces_that_cover_each_day_once(
    start_from: dt.date | None, start_to: dt.date | None
) -> None:
    plan = summary_plan(start_from, start_to)
    lo, hi = dt.date(2018, 1, 1), dt.date(2027, 12, 31)  # "unbounded", for counting days
    covered: list[dt.date] = []

    def days(first: dt.date, last: dt.date) -> list[dt.date]:
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    for first, last in plan.live:
        covered += days(first, last)
    if plan.years is not None:
        first_year = plan.years[0] if plan.years[0] is not None else lo.year
        last_year = plan.years[1] if plan.years[1] is not None else hi.year
        for year in range(first_year, last_year + 1):
            covered += days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    for first_month, last_month in plan.months:
        month = first_month or lo
        while month <= (last_month or hi):
            following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            covered += days(month, following - dt.timedelta(days=1))
            month = following
    expected = (
        days(start_from or lo, start_to or hi)
        if not (start_from and start_to and start_from > start_to)
        else []
    )
    assert sorted(covered) == expected  # every day once: no gap, no overlap


@settings(deadline=None)  # a loaded machine is not a wrong answer
@given(st.sets(st.integers(min_value=1, max_value=200_000), max_size=300))
def test_a_bitmap_keeps_the_set_it_was_given(ids: set[int]) -> None:
    bits = bitmap_decode(bitmap_encode(bitmap_of(ids)))
    assert bits.bit_count() == len(ids)
    assert {n for n, bit in enumerate(reversed(f"{bits:b}")) if bit == "1"} == ids


# --- the services keep the tables current ---------------------------------------------------


# A year far enough ahead that a request starting in it, or late in the year before, is
# still ahead of today.
NEXT = dt.date.today().year + 2


def _input(agency: Agency, **overrides: Any) -> ActivityInput:
    category = CategoryFactory.create(name="Crowd control", slug="crowd-control")
    values: dict[str, Any] = dict(
        title="Crowd Management Seminar",
        direction="outbound",
        kind="seminar",
        category_id=category.pk,
        purpose="See how large events are policed.",
        # Ahead of today: approval must precede the start (ADR 0014).
        start_date=dt.date(NEXT, 1, 30),
        end_date=dt.date(NEXT, 2, 2),
        locations=[LocationInput("FR", "Paris"), LocationInput("IL", "Tel Aviv")],
        participants=[],
    )
    values.update(overrides)
    return ActivityInput(**values)


def test_every_activity_service_leaves_the_tables_equal_to_a_recount(
    clerk: User, commander: User, security_officer: User, agency: Agency, inspector: User
) -> None:
    people = [EmployeeFactory.create(agency=agency) for _ in range(4)]
    named = [ParticipantInput(employee_id=p.pk) for p in people]
    first = activity_create(actor=clerk, agency=agency, data=_input(agency, participants=named))
    second = activity_create(
        actor=clerk, agency=agency, data=_input(agency, participants=named[:2])
    )
    assert summary_differences() == []
    assert registry_summary(user=inspector)["distinct_employees"] == 0  # drafts not counted

    activity_transition(actor=clerk, activity=first, name="submit")
    for location in first.locations.all():  # outbound: every place abroad is assessed
        done_assessment(location, security_officer)
    for move in ("start_review", "clear"):
        activity_transition(actor=security_officer, activity=first, name=move)
    activity_transition(actor=commander, activity=first, name="approve")
    assert summary_differences() == []
    summary = registry_summary(user=inspector)
    assert (summary["total_activities"], summary["distinct_employees"]) == (1, 4)

    # Moved a month and a year, to other countries, with fewer people.
    activity_update(
        actor=clerk,
        activity=first,
        data=_input(
            agency,
            start_date=dt.date(NEXT - 1, 12, 30),
            end_date=dt.date(NEXT, 1, 3),
            locations=[LocationInput("MX", "Mexico City")],
            participants=named[1:3],
        ),
    )
    assert summary_differences() == []
    summary = registry_summary(user=inspector)
    assert [c["country"] for c in summary["by_country"]] == ["MX"]
    assert [(y["year"], y["activities"], y["employees"]) for y in summary["by_year"]] == [
        (NEXT - 1, 1, 2)
    ]

    activity_transition(actor=clerk, activity=second, name="cancel", reason="Postponed")
    activity_import(
        actor=clerk,
        agency=agency,
        data=_input(
            agency,
            start_date=dt.date(2023, 5, 1),
            end_date=dt.date(2023, 5, 5),
            participants=named[3:],
        ),
        status=Status.COMPLETED,
        recorded_at=None,
        source="Legacy log, entry 12",
    )
    assert summary_differences() == []
    tables = registry_summary(user=inspector)
    live = registry_summary(user=inspector, from_tables=False)
    tables.pop("as_of")
    live.pop("as_of")
    assert tables == live
    assert (tables["total_activities"], tables["distinct_employees"]) == (2, 3)


def test_a_write_that_bypasses_the_services_is_found_and_a_rebuild_mends_it(
    clerk: User, agency: Agency
) -> None:
    person = EmployeeFactory.create(agency=agency)
    activity = activity_create(
        actor=clerk,
        agency=agency,
        data=_input(agency, participants=[ParticipantInput(employee_id=person.pk)]),
    )
    call_command("summary_check", stdout=StringIO())  # agrees: exit status 0

    Participation.objects.filter(activity=activity).delete()  # behind the services' back
    Activity.objects.filter(pk=activity.pk).update(status=Status.COMPLETED)
    with pytest.raises(CommandError, match="differ from live data"):
        call_command("summary_check", stdout=StringIO())

    out = StringIO()
    call_command("summary_rebuild", stdout=out)
    assert "Summary tables rebuilt: 1 agency-months" in out.getvalue()
    assert summary_differences() == []
    assert SummaryCount.objects.filter(status=Status.COMPLETED).exists()
    assert not SummaryCell.objects.exclude(employees=b"").exists()  # nobody took part now


def test_a_participant_who_withdraws_is_no_longer_counted(clerk: User, agency: Agency) -> None:
    stays, leaves = EmployeeFactory.create(agency=agency), EmployeeFactory.create(agency=agency)
    activity = activity_create(
        actor=clerk,
        agency=agency,
        data=_input(
            agency,
            start_date=dt.date.today() + dt.timedelta(days=60),
            end_date=dt.date.today() + dt.timedelta(days=64),
            participants=[ParticipantInput(employee_id=p.pk) for p in (stays, leaves)],
        ),
    )
    participation_withdraw(
        actor=clerk,
        participation=activity.participations.get(employee=leaves),
        reason="Needed at home.",
    )
    assert summary_differences() == []
    cell = SummaryCell.objects.get(span="A", country="")
    assert bitmap_decode(cell.employees) == bitmap_of([stays.pk])
