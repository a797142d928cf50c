"""The values-based activity export (ADR 0027) writes the same bytes as the export it
replaced, which read ``Activity`` instances with their relations prefetched
(``legacy_export``, kept here as the oracle only): every relation filled, every
awkward value, chunk boundaries, filters, and the page and API doors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from liaison.activities.models import Activity, Participation, Topic
from liaison.activities.selectors import ActivityFilters, activity_list
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.approvals.models import ApprovalStep
from liaison.core.tabular import csv_lines
from liaison.exchange.models import BatchStatus
from liaison.exchange.selectors import export_value_rows
from liaison.exchange.services import import_file
from liaison.exchange.spec import ACTIVITIES
from liaison.exchange.tests.helpers import GOOD, csv_bytes, department, row
from liaison.exchange.tests.legacy_export import legacy_csv
from liaison.funding.tests.factories import ContributionFactory, FunderFactory
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.reports.tests.factories import AuthorFactory, ReportFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _full(dept: Any, n: int) -> Activity:
    """An activity with every relation the format writes, and awkward values in each."""
    agency = dept.agency
    host = OrganisationFactory.create(name=f"Host, “{n}”", country="FR")
    organiser = OrganisationFactory.create(name=f"=Organiser {n}", country="")
    activity = ActivityFactory.create(
        agency=agency,
        title=f'=Course "{n}", part\none',
        direction="inbound",
        kind="seminar",
        category=CategoryFactory.create(slug=f"cat-{n}"),
        purpose="-5",
        justification="+not a number; with a semicolon",
        start_date=dt.date(2019, 1 + n % 12, 1 + n),
        end_date=dt.date(2019, 1 + n % 12, 2 + n),
        estimated_cost=Decimal("1250.50"),
        status="completed",
        host_organisation=host,
        organiser_organisation=organiser,
        recorded_at=dt.datetime(2018, 12, 31, 23, 30, tzinfo=PARIS),
        not_on_record=["funding", "approval", "request"],
    )
    for name in ("Zebra crossings", "@mentions", "Aviation"):
        activity.topics.add(Topic.objects.get_or_create(name=f"{name} {n % 2}")[0])
    LocationFactory.create(activity=activity, country="GB", city="", position=2)
    LocationFactory.create(activity=activity, country="FR", city="Lyon", position=1)
    LocationFactory.create(activity=activity, country="FR", city="Paris", position=1)
    employee = EmployeeFactory.create(agency=agency, serial_number=f"S{n}", first_name="Ana")
    staff = ParticipationFactory.create(
        activity=activity,
        employee=employee,
        name_at_time="Ana Lopez",
        rank_at_time="Sergeant",
        unit_at_time="",
        agency_at_time="",
        role="attendee",
    )
    guest = ParticipationFactory.create(
        activity=activity,
        employee=None,
        external_person=ExternalPersonFactory.create(agency=agency, full_name="Guest One"),
        name_at_time="Guest One",
        rank_at_time="Colonel",
        unit_at_time="Gendarmerie",
        agency_at_time="=Foreign service",
        role="instructor",
    )
    ParticipationFactory.create(
        activity=activity,
        employee=EmployeeFactory.create(agency=agency, serial_number=f"T{n}"),
        name_at_time="Ben Kim",
        role="attendee",
    )
    funder = FunderFactory.create(agency=agency, name=f"Foundation {n}")
    ContributionFactory.create(
        activity=activity,
        funder=funder,
        paid_for="lodging",
        amount=Decimal("800.00"),
        currency="EUR",
        usd_rate=Decimal("1.250000"),
        usd_amount=Decimal("1000.00"),
        rate_date=dt.date(2019, 1, 2),
        paid_on=dt.date(2019, 1, 3),
        grant_identifier="G-1",
        description="Hotel",
        participation=staff,
    )
    ContributionFactory.create(activity=activity, funder=funder, participation=guest)
    ContributionFactory.create(activity=activity, funder=funder, description="@catering")
    decided = dt.datetime(2018, 12, 20, 9, 15, 30, tzinfo=PARIS)
    for round_, position, state in ((2, 0, "approved"), (1, 1, "returned"), (1, 0, "pending"),
                                    (1, 2, "denied")):  # fmt: skip
        ApprovalStep.objects.create(
            activity=activity,
            round=round_,
            position=position,
            kind="approval" if position else "security_review",
            role="approver",
            state=state,
            decided_at=decided if state != "pending" else None,
            decided_by_name="Cmdr Smith" if state != "pending" else "",
            decided_by_rank="Commander",
            reason="Too costly" if state in ("denied", "returned") else "",
            conditions="=Report back" if state == "approved" else "",
        )
    report = ReportFactory.create(
        activity=activity,
        status="acknowledged",
        submitted_at=dt.datetime(2019, 3, 1, 0, 30, tzinfo=PARIS),  # 28 February in UTC
        acknowledged_at=dt.datetime(2019, 3, 2, tzinfo=PARIS),
    )
    AuthorFactory.create(report=report, participation=guest)
    AuthorFactory.create(report=report, participation=staff)
    ReportFactory.create(activity=activity, status="draft")
    return activity


@pytest.fixture
def filled() -> Any:
    return fill()


def fill() -> Any:
    """Imported records (the good row and one with empty lists), activities entered here
    with every relation filled, and a bare one with none."""
    dept = department()
    imported = import_file(
        actor=dept.clerk, agency=dept.agency, file_name="legacy.csv", dry_run=False,
        content=csv_bytes([GOOD, row(source_id="T-2", funding="", approvals="", reports="",
                                     topics="", estimated_cost="", host_organisation="",
                                     participants="", recorded_at="", not_on_record="")]),
    )  # fmt: skip
    assert imported.status == BatchStatus.IMPORTED, imported.errors
    for n in range(5):
        _full(dept, n)
    ActivityFactory.create(agency=dept.agency, title="Bare", not_on_record=[])
    return dept


def _new_csv(qs: Any, chunk: int) -> str:
    return "".join(csv_lines(ACTIVITIES, export_value_rows(qs, chunk=chunk)))


@pytest.mark.parametrize("chunk", [1, 2, 3, 2000])
def test_the_values_export_writes_the_bytes_the_instance_export_wrote(
    filled: Any, chunk: int
) -> None:
    qs = activity_list(user=filled.clerk, filters=ActivityFilters())
    old = legacy_csv(qs)
    assert old.count("\r\n") > 8  # header, 8 activities, newlines inside titles
    assert _new_csv(qs, chunk) == old
    # The oracle did see every relation: each kind of list cell is filled somewhere.
    for part in ("S0 | Ana Lopez | Sergeant |  |  | attendee", " | Guest One | Colonel",
                 "800.00 | EUR | 1.25 | 2019-01-02", "'=Report back", "2019-02-28 | S0, Guest One",
                 "FR:Lyon; FR:Paris; GB", "@mentions 0; Aviation 0; Zebra crossings 0",
                 "Training unit log (Excel),T-1", "Liaison CA0194200,",
                 "approval; request; funding", "2018-12-31T22:30:00+00:00"):  # fmt: skip
        assert part in old, part


@pytest.mark.parametrize(
    "filters",
    [ActivityFilters(country="FR"), ActivityFilters(year=2016), ActivityFilters(sort="title")],
)
def test_filtered_exports_are_the_same_bytes(filled: Any, filters: ActivityFilters) -> None:
    qs = activity_list(user=filled.clerk, filters=filters)
    assert qs.exists()
    assert _new_csv(qs, 2) == legacy_csv(qs)


def test_the_page_and_the_api_send_the_oracles_bytes(filled: Any) -> None:
    client = Client()
    client.force_login(filled.clerk)
    old = legacy_csv(activity_list(user=filled.clerk, filters=ActivityFilters())).encode()
    for url in ("/exchange/activities.csv", "/api/v1/exports/activities/csv"):
        response: Any = client.get(url)
        assert b"".join(response.streaming_content) == old, url


def test_a_participation_of_another_activity_is_not_written(filled: Any) -> None:
    """Grouping by activity: a chunk's rows carry only their own relations."""
    bare = Activity.objects.get(title="Bare")
    (values,) = export_value_rows(Activity.objects.filter(pk=bare.pk))
    cells = dict(zip(ACTIVITIES.headers, values, strict=True))
    assert cells["participants"] == cells["funding"] == cells["reports"] == []
    assert Participation.objects.filter(activity__agency=filled.agency).count() == 17
