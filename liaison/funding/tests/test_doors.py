"""Both doors, one rule: the page and the API give the same answer for the same money
input, and a refusal saves nothing (ADR 0019)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.funding.models import Contribution, Form801, Funder
from liaison.funding.tests.factories import ContributionFactory, FunderFactory


@pytest.fixture
def trip(agency: Agency) -> Activity:
    activity = ActivityFactory.create(
        agency=agency, start_date=dt.date(2024, 5, 6), end_date=dt.date(2024, 5, 10)
    )
    LocationFactory.create(activity=activity, country="IL", city="Tel Aviv")
    ParticipationFactory.create(activity=activity)
    return activity


@pytest.fixture
def foundation(agency: Agency) -> Funder:
    return FunderFactory.create(agency=agency, name="Metro City Police Foundation")


BAD = [
    ({"amount": "-20"}, "amount", "more than zero"),
    ({"amount": "abc"}, "amount", "not a number"),
    ({"amount": "10.001"}, "amount", "at most 2 decimal places"),
    ({"currency": "ZZZ"}, "currency", "ISO 4217"),
    ({"currency": "EUR", "rate_date": "2024-05-01"}, "usd_rate", "rate to US dollars"),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD)
def test_bad_money_is_refused_alike_on_both_doors(
    clerk: User,
    trip: Activity,
    foundation: Funder,
    change: dict[str, str],
    field: str,
    words: str,
) -> None:
    body = {
        "funder_id": foundation.pk,
        "paid_for": "lodging",
        "amount": "100.00",
        "currency": "USD",
        **change,
    }
    client = client_for(clerk)
    api = client.post(
        f"/api/v1/activities/{trip.pk}/contributions",
        json.dumps(body),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert words in " ".join(api.json()["errors"][field])
    form = {
        "funder": foundation.pk,
        "paid_for": "lodging",
        "amount": "100.00",
        "currency": "USD",
        **change,
    }
    page = client.post(f"/activities/{trip.pk}/funding/contributions/new/", form)
    assert page.status_code == 422
    assert words in page.content.decode()
    assert not Contribution.objects.exists()


def test_the_api_refuses_a_float_amount(clerk: User, trip: Activity, foundation: Funder) -> None:
    body = {"funder_id": foundation.pk, "paid_for": "lodging", "amount": 100.5}
    response = client_for(clerk).post(
        f"/api/v1/activities/{trip.pk}/contributions",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Contribution.objects.exists()


def test_a_coordinator_records_a_contribution_and_sees_the_guards_sentence(
    clerk: User, trip: Activity, foundation: Funder
) -> None:
    client = client_for(clerk)
    response = client.post(
        f"/activities/{trip.pk}/funding/contributions/new/",
        {"funder": foundation.pk, "paid_for": "lodging", "amount": "2,410.50", "currency": "usd"},
    )
    assert response.status_code == 302
    c = Contribution.objects.get()
    assert (str(c.amount), c.currency, c.history.get().history_user) == ("2410.50", "USD", clerk)
    page = client.get(f"/activities/{trip.pk}/funding/").content.decode()
    assert "Not yet ready for approval" in page
    assert "conflict-of-interest screening" in page
    api = client.get(f"/api/v1/activities/{trip.pk}/funding").json()
    assert api["outside_funded"] is True and api["total_usd"] == "2410.50"
    assert len(api["problems"]) == 3  # justification, screening, selection


def test_the_overview_and_the_registry_render(
    clerk: User, inspector: User, trip: Activity, foundation: Funder
) -> None:
    ContributionFactory.create(activity=trip, funder=foundation)
    for user in (clerk, inspector):
        client = client_for(user)
        overview = client.get("/funding/")
        assert overview.status_code == 200
        assert "missing a disclosure (1)" in overview.content.decode()
        assert foundation.name in client.get("/funding/funders/").content.decode()
        assert client.get(f"/funding/funders/{foundation.pk}/").status_code == 200


def test_an_employee_sees_no_registry(employee_user: User, foundation: Funder) -> None:
    client = client_for(employee_user)
    assert client.get("/funding/").status_code == 404
    assert client.get("/api/v1/funding/funders").status_code == 404
    assert client.get(f"/funding/funders/{foundation.pk}/").status_code == 404


def test_form_801_through_the_page_and_its_pdf(
    clerk: User, trip: Activity, foundation: Funder
) -> None:
    c = ContributionFactory.create(activity=trip, funder=foundation)
    client = client_for(clerk)
    response = client.post(
        f"/funding/contributions/{c.pk}/form-801/new/",
        {"official_use": "Command exchange for the unit."},
    )
    form = Form801.objects.get()
    assert response.status_code == 302
    refused = client.post(f"/funding/forms-801/{form.pk}/", {"posted_on": "2024-06-04"})
    assert refused.status_code == 422
    assert Form801.objects.get().posted_on is None
    client.post(
        f"/funding/forms-801/{form.pk}/",
        {
            "verified_by_name": "Chief Okafor",
            "verified_on": "2024-06-03",
            "posted_on": "2024-06-04",
        },
    )
    assert Form801.objects.get().posted_on == dt.date(2024, 6, 4)
    pdf = client.get(f"/funding/forms-801/{form.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    api = client.get(f"/api/v1/funding/forms-801/{form.pk}").json()
    assert api["fields"]["Posted on"] == "2024-06-04"


def test_oversight_shows_filing_status_and_late_filings(
    clerk: User, inspector: User, trip: Activity, foundation: Funder
) -> None:
    ContributionFactory.create(
        activity=trip, funder=foundation, amount="3000.00", usd_amount="3000.00"
    )
    page = client_for(inspector).get("/oversight/").content.decode()
    assert "Disclosure of outside funding" in page
    assert "<strong>1</strong> outside-funded activities are missing a disclosure" in page
    assert "<strong>1 overdue</strong>" in page  # 30 days after June 2024 have long passed
    # The 1353 half-year April–September 2024 ended, was due 30 November, never filed.
    assert "1 Apr 2024 to 30 Sep 2024" in page and "Overdue: not filed" in page


def test_the_activity_page_says_why_approval_is_refused(
    agency: Agency, clerk: User, commander: User
) -> None:
    from liaison.accounts.tests.factories import user_with_role
    from liaison.approvals.models import ApprovalStep
    from liaison.approvals.tests.helpers import assess_abroad, future

    activity = ActivityFactory.create(
        agency=agency, status="in_approval", start_date=future(), end_date=future(63)
    )
    LocationFactory.create(activity=activity, country="DE", city="Berlin")
    assess_abroad(activity, security=user_with_role("security", agency, "assessor"))
    ApprovalStep.objects.create(activity=activity, kind="approval", role="approver", position=1)
    ContributionFactory.create(activity=activity)
    page = client_for(commander).get(f"/activities/{activity.pk}/").content.decode()
    assert "An outside-funded activity needs at least the record" in page
    assert "This is the last step of the approval chain" not in page
