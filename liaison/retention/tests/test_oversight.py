"""Coverage on /oversight/: each count equals the list it links to, on both doors."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory
from liaison.retention.services import retention_apply, schedule_set
from liaison.retention.tests.helpers import old_trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(agency: Agency, other_agency: Agency, clerk: User, outsider: User) -> None:
    schedule_set(actor=clerk, agency=agency, record_type="activity", years=5, authority="GRS")
    schedule_set(
        actor=outsider, agency=other_agency, record_type="activity", years=5, authority="GRS"
    )
    old_trip(clerk, agency, title="Destroyed 2014", start=dt.date(2014, 2, 1))
    old_trip(outsider, other_agency, title="Theirs 2014", start=dt.date(2014, 2, 1))
    # Kept: recent imported ones with and without a report / funding, and entered ones.
    old_trip(clerk, agency, title="Imported, full", start=dt.date(2024, 2, 1))
    old_trip(
        clerk, agency, title="Imported, bare", start=dt.date(2024, 3, 1), with_dependants=False
    )
    ActivityFactory.create_batch(
        3,
        agency=agency,
        start_date=dt.date(2024, 5, 1),
        end_date=dt.date(2024, 5, 3),
        status="approved",
    )
    retention_apply(actor=clerk, today=dt.date(2026, 12, 1))


def test_coverage_counts_equal_the_lists_they_link_to(
    record: None, agency: Agency, inspector: User
) -> None:
    client = client_for(inspector)
    coverage = client.get("/api/v1/oversight/summary").json()["coverage"]
    counts = {row["key"]: row["activities"] for row in coverage["activities"]}
    assert counts == {"reconstructed": 2, "no_report": 4, "no_approval": 5, "no_funding": 4}
    for row in coverage["activities"]:
        page = client.get(f"/activities/?{row['list_query']}")
        assert not page.context["form"].errors
        assert page.context["page"].count == row["activities"], row
        api = client.get(f"/api/v1/activities?{row['list_query']}").json()
        assert api["count"] == row["activities"], row
    # Destroyed, by the year the activity started: only this agency's tombstone.
    assert coverage["destroyed_by_year"] == [
        {"year": 2014, "records": 1, "list_query": f"agency={agency.pk}&year=2014"}
    ]
    for row in coverage["destroyed_by_year"]:
        page = client.get(f"/retention/tombstones/?{row['list_query']}")
        assert page.context["page"].count == row["records"]
        api = client.get(f"/api/v1/retention/tombstones?{row['list_query']}").json()
        assert api["count"] == row["records"]
    # The page: each number is a link to exactly that list.
    summary_page = client.get("/oversight/").content.decode()
    links = re.findall(
        r'data-figure="(coverage_\w+|destroyed_\d+)">'
        r'<a class="usa-link" href="([^"]*)"[^>]*>(\d+)</a>',
        summary_page,
    )
    assert len(links) == 5
    for _figure, href, number in links:
        target = client.get(html.unescape(href))
        assert target.context["page"].count == int(number), href
