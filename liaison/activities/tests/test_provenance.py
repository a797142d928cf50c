"""An imported record says where it came from on both doors: the page shows "Imported
from …" and "approval not on record"; the API gives ``origin``, ``source``,
``recorded_at`` and ``not_on_record`` (``{"key", "label"}``)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    activity_create,
    activity_import,
)
from liaison.activities.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

SOURCE = "Training unit travel log 2016, row 14"


def some_input() -> ActivityInput:
    category = CategoryFactory.create(name="Aviation", slug="aviation")
    return ActivityInput(
        title="Airborne Law Enforcement Convention",
        direction="outbound",
        kind="convention",
        category_id=category.pk,
        purpose="Air support practice.",
        start_date=dt.date(2016, 7, 11),
        end_date=dt.date(2016, 7, 15),
        locations=[LocationInput("GB", "Birmingham")],
    )


def imported(clerk: User, agency: Agency, recorded_at: dt.datetime | None) -> Activity:
    return activity_import(
        actor=clerk,
        agency=agency,
        data=some_input(),
        status="completed",
        recorded_at=recorded_at,
        source=SOURCE,
        not_on_record=["evaluation_report", "approval"],
    )


def page_text(user: User, activity: Activity) -> str:
    response = client_for(user).get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def api_detail(user: User, activity: Activity) -> dict[str, object]:
    response = client_for(user).get(f"/api/v1/activities/{activity.pk}")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_the_page_and_the_api_say_where_an_imported_record_came_from(
    clerk: User, inspector: User, agency: Agency
) -> None:
    recorded = dt.datetime(2016, 4, 20, 19, 0, tzinfo=dt.UTC)
    activity = imported(clerk, agency, recorded)
    for user in (clerk, inspector):
        text = page_text(user, activity)
        assert f"Imported from {SOURCE}." in text
        assert "approval not on record" in text
        assert "evaluation report not on record" in text
        assert "20 Apr 2016" in text
        body = api_detail(user, activity)
        assert body["origin"] == "imported"
        assert body["source"] == SOURCE
        assert body["recorded_at"] == "2016-04-20T19:00:00Z"
        assert body["not_on_record"] == [
            {"key": "approval", "label": "approval"},
            {"key": "evaluation_report", "label": "evaluation report"},
        ]


def test_an_unknown_record_date_reads_not_on_record_on_both_doors(
    clerk: User, agency: Agency
) -> None:
    activity = imported(clerk, agency, None)
    assert "First recorded by the department: not on record." in page_text(clerk, activity)
    assert api_detail(clerk, activity)["recorded_at"] is None


def test_an_entered_record_claims_no_source(clerk: User, agency: Agency) -> None:
    activity = activity_create(actor=clerk, agency=agency, data=some_input())
    assert "Imported from" not in page_text(clerk, activity)
    body = api_detail(clerk, activity)
    assert (body["origin"], body["source"], body["not_on_record"]) == ("entered", "", [])
    assert body["recorded_at"] is not None
