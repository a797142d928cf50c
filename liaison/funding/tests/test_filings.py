"""The filing rules: Form 801 posting is due 30 days after the quarter of use when the
funder's payments that quarter reach $2,500; the 1353 half-years, their due dates, and a
filing of a period without payments is a negative report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory
from liaison.funding.models import Contribution, Form801, SemiannualReport
from liaison.funding.selectors import (
    period_bounds,
    period_due,
    posting_deadline,
    posting_rows,
    semiannual_periods,
)
from liaison.funding.services import semiannual_report_file
from liaison.funding.tests.factories import ContributionFactory, FunderFactory


def test_the_posting_deadline_is_30_days_after_the_quarter_of_use() -> None:
    assert posting_deadline(dt.date(2024, 5, 10)) == dt.date(2024, 7, 30)
    assert posting_deadline(dt.date(2024, 12, 31)) == dt.date(2025, 1, 30)


def test_the_1353_half_years_and_their_due_dates() -> None:
    assert period_bounds(dt.date(2024, 4, 1)) == (dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    assert period_bounds(dt.date(2024, 10, 1)) == (dt.date(2024, 10, 1), dt.date(2025, 3, 31))
    assert period_due(dt.date(2024, 4, 1)) == dt.date(2024, 11, 30)
    assert period_due(dt.date(2024, 10, 1)) == dt.date(2025, 5, 31)
    with pytest.raises(ValueError, match="1 April or 1 October"):
        period_bounds(dt.date(2024, 5, 1))


def _paid(agency: Agency, funder: object, amount: str, end: dt.date) -> Contribution:
    activity = ActivityFactory.create(
        agency=agency, start_date=end - dt.timedelta(days=3), end_date=end
    )
    return ContributionFactory.create(
        activity=activity, funder=funder, amount=Decimal(amount), usd_amount=Decimal(amount)
    )


def test_posting_is_required_when_a_funders_quarter_reaches_2500(agency: Agency) -> None:
    foundation = FunderFactory.create(agency=agency, name="Foundation")
    rotary = FunderFactory.create(agency=agency, name="Rotary", funder_type="ngo")
    first = _paid(agency, foundation, "1500", dt.date(2024, 4, 20))
    second = _paid(agency, foundation, "1000", dt.date(2024, 6, 2))
    small = _paid(agency, rotary, "900", dt.date(2024, 5, 2))
    Form801.objects.create(
        agency=agency,
        contribution=first,
        official_use="Training.",
        verified_by_name="Chief",
        verified_on=dt.date(2024, 7, 1),
        posted_on=dt.date(2024, 8, 15),
    )
    rows = {
        r.contribution.pk: r
        for r in posting_rows(Contribution.objects.all(), today=dt.date(2024, 8, 20))
    }
    assert rows[first.pk].quarter_total_usd == Decimal("2500")
    assert (rows[first.pk].state, rows[first.pk].deadline) == ("posted_late", dt.date(2024, 7, 30))
    assert rows[second.pk].state == "overdue"
    assert rows[small.pk].state == "not_required"
    early = {
        r.contribution.pk: r.state
        for r in posting_rows(Contribution.objects.all(), today=dt.date(2024, 7, 2))
    }
    assert early[second.pk] == "missing"


def test_filing_a_period_without_payments_is_a_negative_report(agency: Agency, clerk: User) -> None:
    report = semiannual_report_file(
        actor=clerk, agency=agency, period_start=dt.date(2024, 4, 1), filed_on=dt.date(2024, 11, 20)
    )
    assert (report.payments, report.total_usd) == (0, Decimal("0"))
    rows = semiannual_periods(
        agency_ids=[agency.pk], today=dt.date(2025, 6, 10), since=dt.date(2024, 4, 1)
    )
    assert [(r.period_start, r.state) for r in rows] == [
        (dt.date(2024, 10, 1), "overdue"),
        (dt.date(2024, 4, 1), "filed"),
    ]


def test_a_period_is_filed_once_and_only_after_it_ends(agency: Agency, clerk: User) -> None:
    with pytest.raises(ValidationError) as error:
        semiannual_report_file(
            actor=clerk,
            agency=agency,
            period_start=dt.date(2024, 4, 1),
            filed_on=dt.date(2024, 9, 1),
        )
    assert "after it ends" in error.value.message_dict["filed_on"][0]
    with pytest.raises(ValidationError):
        semiannual_report_file(
            actor=clerk,
            agency=agency,
            period_start=dt.date(2024, 5, 1),
            filed_on=dt.date(2024, 12, 1),
        )
    semiannual_report_file(
        actor=clerk, agency=agency, period_start=dt.date(2024, 4, 1), filed_on=dt.date(2024, 12, 1)
    )
    with pytest.raises(ValidationError, match="already filed"):
        semiannual_report_file(
            actor=clerk,
            agency=agency,
            period_start=dt.date(2024, 4, 1),
            filed_on=dt.date(2024, 12, 2),
        )
    assert SemiannualReport.objects.count() == 1
