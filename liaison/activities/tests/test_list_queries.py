"""The activity list page's statements, pinned: a fixed number per request whatever the
page holds, and no write on a GET once the session's "last seen" is fresh. Every list
request pays for these (issue 5: ≥ 150 requests/s); one more must be a decision, not a
slip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, LocationFactory

# Session, user, role grants, categories, year range (one MIN/MAX statement on
# PostgreSQL, two on SQLite), capped count, rows, places.
EXPECTED = 8 if connection.vendor == "postgresql" else 9
WRITES = ("INSERT", "UPDATE", "DELETE")


def _statements(client: object, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "query", ["", "?page=2", "?country=IL&year=2019", "?status=completed&sort=title"]
)
def test_the_list_page_reads_a_fixed_number_of_statements_and_writes_nothing(
    clerk: User, agency: Agency, rows: int, query: str
) -> None:
    for n in range(rows):
        activity = ActivityFactory.create(
            agency=agency, start_date=dt.date(2019, 3, 1) + dt.timedelta(days=n)
        )
        LocationFactory.create(activity=activity, country="IL", city=f"City {n}")
        LocationFactory.create(activity=activity, country="FR", city="")
    client = client_for(clerk)
    url = reverse("activities:list") + query
    client.get(url)  # the first request of a session records it (ADR 0021)

    statements = _statements(client, url)

    assert len(statements) == EXPECTED, "\n".join(statements)
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
