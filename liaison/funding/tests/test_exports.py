"""The disclosure documents read back: the Form 801 PDF holds every required field (its
text extracted with pypdf), the 1353 XLSX opens with openpyxl with a row per payment in
the official columns, and a period without payments is a negative report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.funding.exports import NEGATIVE, form801_pdf, report1353_xlsx
from liaison.funding.models import FunderSource
from liaison.funding.selectors import COLUMNS_1353, form801_fields, report_1353
from liaison.funding.services import (
    ContributionInput,
    SelectionInput,
    contribution_create,
    form801_create,
    form801_update,
    selection_record,
)
from liaison.funding.tests.factories import FunderFactory


@pytest.fixture
def trip(agency: Agency) -> Activity:
    activity = ActivityFactory.create(
        agency=agency,
        title="Counter-Terrorism Leadership Exchange",
        start_date=dt.date(2024, 5, 6),
        end_date=dt.date(2024, 5, 10),
    )
    LocationFactory.create(activity=activity, country="IL", city="Tel Aviv")
    ParticipationFactory.create(
        activity=activity, name_at_time="Dana Reyes", rank_at_time="Captain"
    )
    return activity


def test_the_form_801_pdf_holds_every_required_field(
    agency: Agency, clerk: User, trip: Activity
) -> None:
    foundation = FunderFactory.create(
        agency=agency,
        name="Metro City Police Foundation",
        pass_through=True,
        address="250 Harbor Boulevard, Metro City, CA",
        nature_of_business="Charitable support of the police",
    )
    donor = FunderFactory.create(
        agency=agency, name="Skyline Rotorcraft Inc.", funder_type="company"
    )
    FunderSource.objects.create(funder=foundation, source=donor)
    contribution = contribution_create(
        actor=clerk,
        activity=trip,  # type: ignore[arg-type]
        data=ContributionInput(funder=foundation, paid_for="lodging", amount="2410.50"),
    )
    for p in trip.participations.all():  # type: ignore[attr-defined]
        selection_record(
            actor=clerk,
            participation=p,
            data=SelectionInput(selected_by="agency", selector_name="Deputy Chief Alvarez"),
        )
    form = form801_create(
        actor=clerk,
        contribution=contribution,
        official_use="Exchange on counter-terrorism command for the unit.",
    )
    form = form801_update(
        actor=clerk,
        form=form,
        verified_by_name="Chief M. Okafor",
        verified_on=dt.date(2024, 6, 3),
        posted_on=dt.date(2024, 6, 4),
    )
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(form801_pdf(form))).pages
    )
    fields = form801_fields(form)
    required = (
        "Donor name",
        "Donor address",
        "Donor's nature of business",
        "Pass-through donor's sources",
        "Travel dates",
        "Location",
        "Transportation (USD)",
        "Lodging (USD)",
        "Meals (USD)",
        "Other expenses (USD)",
        "Description of official use",
        "Officials who used the payment",
        "Who selected the travellers",
        "Agency head verification",
        "Posted on",
    )
    for label in required:
        assert label in text, label
        assert " ".join(fields[label].split()) in text, (label, fields[label])
    for value in (
        "Skyline Rotorcraft Inc.",
        "250 Harbor Boulevard",
        "2410.50",
        "Tel Aviv",
        "Dana Reyes",
        "Chief M. Okafor",
        "2024-06-04",
        "Deputy Chief Alvarez",
    ):
        assert value in text, value


def _sheet_rows(body: bytes) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return list(book.active.iter_rows(values_only=True))


def test_the_1353_xlsx_has_a_row_per_non_federal_payment_over_250(
    agency: Agency, clerk: User, trip: Activity
) -> None:
    company = FunderFactory.create(
        agency=agency, name="Skyline Rotorcraft Inc.", funder_type="company"
    )
    grant = FunderFactory.create(agency=agency, name="DHS UASI", funder_type="federal_grant")
    small = FunderFactory.create(agency=agency, name="Rotary Club", funder_type="ngo")
    for funder, paid_for, amount in (
        (company, "transport", "1500"),
        (company, "meals", "120.25"),
        (grant, "lodging", "3000"),
        (small, "meals", "250"),
    ):
        contribution_create(
            actor=clerk,
            activity=trip,
            data=ContributionInput(  # type: ignore[arg-type]
                funder=funder, paid_for=paid_for, amount=amount
            ),
        )
    rows = report_1353(agency=agency, period_start=dt.date(2024, 4, 1))
    assert [(r.funder.name, r.total_usd) for r in rows] == [
        ("Skyline Rotorcraft Inc.", Decimal("1620.25"))
    ]
    sheet = _sheet_rows(report1353_xlsx(agency=agency, period_start=dt.date(2024, 4, 1), rows=rows))
    header = sheet.index(COLUMNS_1353)
    body = [r for r in sheet[header + 1 :] if any(v is not None for v in r)]
    assert len(body) == 1
    row = dict(zip(COLUMNS_1353, body[0], strict=True))
    assert row["Name of employee"] == "Dana Reyes"
    assert row["Sponsor (non-federal source)"] == "Skyline Rotorcraft Inc."
    assert row["Event (description)"] == "Counter-Terrorism Leadership Exchange"
    assert row["Amount (USD)"] == 1620.25
    assert row["Conflict of interest determination"] == "Not screened"
    assert sheet[2][:2] == ("Reporting period", "2024-04-01 to 2024-09-30")


def test_a_period_without_payments_is_a_negative_report(agency: Agency) -> None:
    rows = report_1353(agency=agency, period_start=dt.date(2024, 10, 1))
    assert rows == []
    sheet = _sheet_rows(
        report1353_xlsx(agency=agency, period_start=dt.date(2024, 10, 1), rows=rows)
    )
    header = sheet.index(COLUMNS_1353)
    assert sheet[header + 1][0] == NEGATIVE
    assert sheet[2][:2] == ("Reporting period", "2024-10-01 to 2025-03-31")
