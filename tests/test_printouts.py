"""Printable records (issue 9, ADR 0025): an activity, an employee, an external person,
an organisation and an evaluation report each print as a PDF that opens (pypdf), carries
the record number and the stamp of when and by whom it was produced, and is read under
the record page's own rule — through the page and through the API alike."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from liaison.accounts.models import User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.reports.tests.factories import AuthorFactory, ReportFactory

STAMP = re.compile(r"Produced (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC by ([^\n]+)")


@dataclass(frozen=True)
class Printable:
    name: str
    page: Callable[[Any], str]  # the record page
    pdf: Callable[[Any], str]  # its PDF, page door
    api: Callable[[Any], str]  # its PDF, API door
    number: Callable[[Any], str]  # the record number as the PDF prints it
    shows: str  # a piece of the record's content


@pytest.fixture
def records(db: None) -> dict[str, Any]:
    agency = AgencyFactory.create(name="Metro Police Department", ori_code="CA0194200")
    clerk = user_with_role("coordinator", agency, "clerk")
    clerk.first_name, clerk.last_name = "Casey", "Clerk"
    clerk.save()
    academy = OrganisationFactory.create(
        name="Interpol Academy", country="FR", org_type="international"
    )
    activity = ActivityFactory.create(
        agency=agency, title="Crowd Safety Exchange", host_organisation=academy
    )
    LocationFactory.create(activity=activity, country="FR", city="Lyon")
    employee = EmployeeFactory.create(
        agency=agency, first_name="Dana", last_name="Reyes", serial_number="41234"
    )
    participation = ParticipationFactory.create(
        activity=activity, employee=employee, name_at_time="Dana Reyes"
    )
    person = ExternalPersonFactory.create(
        agency=agency,
        full_name="Claire Dubois",
        country="FR",
        organisation=academy,
        position="Instructor",
    )
    report = ReportFactory.create(
        activity=activity, created_by=clerk, key_takeaways="Dialogue lowers tension."
    )
    AuthorFactory.create(report=report, participation=participation)
    return {
        "clerk": clerk,
        "activity": activity,
        "employee": employee,
        "external": person,
        "organisation": academy,
        "report": report,
        "outsider": user_with_role(
            "coordinator", AgencyFactory.create(ori_code="CA0190000"), "outsider"
        ),
    }


PRINTABLES = [
    Printable(
        "activity",
        lambda r: f"/activities/{r.pk}/",
        lambda r: f"/activities/{r.pk}/pdf/",
        lambda r: f"/api/v1/activities/{r.pk}/pdf",
        lambda r: f"Record no. A-{r.pk:06d}",
        "Lyon",
    ),
    Printable(
        "employee",
        lambda r: f"/people/employees/{r.pk}/",
        lambda r: f"/people/employees/{r.pk}/pdf/",
        lambda r: f"/api/v1/employees/{r.pk}/pdf",
        lambda r: f"Employee record no. {r.pk}",
        "41234",
    ),
    Printable(
        "external",
        lambda r: f"/people/external/{r.pk}/",
        lambda r: f"/people/external/{r.pk}/pdf/",
        lambda r: f"/api/v1/external-persons/{r.pk}/pdf",
        lambda r: f"External person record no. {r.pk}",
        "Instructor",
    ),
    Printable(
        "organisation",
        lambda r: f"/people/organisations/{r.pk}/",
        lambda r: f"/people/organisations/{r.pk}/pdf/",
        lambda r: f"/api/v1/organisations/{r.pk}/pdf",
        lambda r: f"Organisation record no. {r.pk}",
        "Claire Dubois",
    ),
    Printable(
        "report",
        lambda r: f"/reports/{r.pk}/",
        lambda r: f"/reports/{r.pk}/pdf/",
        lambda r: f"/api/v1/reports/{r.pk}/pdf",
        lambda r: f"Evaluation report record no. {r.pk}",
        "Dialogue lowers tension.",
    ),
]


def pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("printable", PRINTABLES, ids=lambda p: p.name)
def test_a_record_prints_with_its_number_and_when_and_by_whom(
    records: dict[str, Any], printable: Printable
) -> None:
    record = records[printable.name]
    client = _client(records["clerk"])
    for url in (printable.pdf(record), printable.api(record)):
        before = timezone.now().replace(microsecond=0)
        text = pdf_text(client.get(url))
        after = timezone.now()
        assert printable.number(record) in text
        assert printable.shows in text
        stamps = STAMP.findall(text)
        assert stamps, "no produced-at stamp"
        at = dt.datetime.fromisoformat(stamps[0][0]).replace(tzinfo=dt.UTC)
        assert before <= at <= after
        assert stamps[0][1].strip().startswith("Casey Clerk (clerk)")


@pytest.mark.parametrize("printable", PRINTABLES, ids=lambda p: p.name)
def test_the_record_page_links_to_its_printout(
    records: dict[str, Any], printable: Printable
) -> None:
    record = records[printable.name]
    page = _client(records["clerk"]).get(printable.page(record))
    assert f'href="{printable.pdf(record)}"'.encode() in page.content
    assert b"Print (PDF)" in page.content


@pytest.mark.parametrize(
    "printable", [p for p in PRINTABLES if p.name != "organisation"], ids=lambda p: p.name
)
def test_another_agency_cannot_print_our_records(
    records: dict[str, Any], printable: Printable
) -> None:
    record = records[printable.name]
    client = _client(records["outsider"])
    assert client.get(printable.pdf(record)).status_code == 404
    assert client.get(printable.api(record)).status_code == 404


def test_a_missing_record_prints_as_404_not_500(records: dict[str, Any]) -> None:
    client = _client(records["clerk"])
    for printable in PRINTABLES:
        assert client.get(printable.pdf(type("Missing", (), {"pk": 999999})())).status_code == 404
