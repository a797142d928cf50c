"""From an activity to its evaluation reports: the activity page links to the report list
filtered to that activity, and the list and its file show that activity's reports only."""

from __future__ import annotations

import csv
import io
from typing import Any

from conftest import client_for
from liaison.activities.tests.factories import ActivityFactory
from liaison.reports.tests.factories import ReportFactory


def _two_activities_with_reports(clerk: Any, agency: Any) -> tuple[Any, Any]:
    ours = ActivityFactory.create(agency=agency, title="Crowd management course, Ottawa")
    theirs = ActivityFactory.create(agency=agency, title="Cyber investigations, Lyon")
    ReportFactory.create(activity=ours, created_by=clerk)
    ReportFactory.create(activity=ours, created_by=clerk)
    ReportFactory.create(activity=theirs, created_by=clerk)
    return ours, theirs


def test_the_activity_page_links_to_its_reports(clerk: Any, agency: Any) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    page = client_for(clerk).get(f"/activities/{ours.pk}/").content.decode()
    assert f'href="/reports/all/?activity={ours.pk}"' in page


def test_the_list_shows_only_that_activitys_reports(clerk: Any, agency: Any) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    client = client_for(clerk)
    response = client.get("/reports/all/", {"activity": ours.pk})
    assert response.status_code == 200
    assert response.context["page"].count == 2
    assert {r.activity_id for r in response.context["page"].items} == {ours.pk}
    page = response.content.decode()
    assert "Evaluation reports of Crowd management course, Ottawa" in page
    assert "Cyber investigations, Lyon" not in page
    # The filter form keeps the activity when the status changes.
    assert f'<input type="hidden" name="activity" value="{ours.pk}">' in page
    assert client.get("/reports/all/").context["page"].count == 3


def test_the_file_carries_the_same_filter(clerk: Any, agency: Any) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    response = client_for(clerk).get("/reports/all/export/", {"activity": ours.pk, "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2


def test_an_activity_the_user_may_not_see_or_a_bad_value_answers_404(
    clerk: Any, agency: Any, outsider: Any
) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    for user, value in ((outsider, ours.pk), (clerk, "abc"), (clerk, "9" * 30), (clerk, -1)):
        client = client_for(user)
        assert client.get("/reports/all/", {"activity": value}).status_code == 404
        assert (
            client.get("/reports/all/export/", {"activity": value, "format": "csv"}).status_code
            == 404
        )


def test_the_filtered_list_still_asks_to_sign_in(clerk: Any, agency: Any) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    response = client_for(None).get("/reports/all/", {"activity": ours.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_api_gives_the_same_answers_as_the_page(clerk: Any, agency: Any, outsider: Any) -> None:
    ours, _theirs = _two_activities_with_reports(clerk, agency)
    clerk_client = client_for(clerk)
    listed = clerk_client.get("/api/v1/reports", {"activity_id": ours.pk})
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    # Another agency's coordinator: the activity does not exist for them on either door,
    # nor in the file.
    outsider_client = client_for(outsider)
    for path, params in (
        ("/api/v1/reports", {"activity_id": ours.pk}),
        ("/api/v1/exports/reports", {"activity_id": ours.pk, "format": "csv"}),
    ):
        refused = outsider_client.get(path, params)
        assert refused.status_code == 404, path
        assert refused.json()["message"] == "No activity with that id."
    # An id that names nothing reads the same as one that is not theirs.
    missing = clerk_client.get("/api/v1/reports", {"activity_id": 2**40})
    assert missing.status_code == 404
    assert missing.json() == refused.json()
