"""The adoption counts on /oversight/ (page and API) equal the lists they link to."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    RecommendationFactory,
    ReviewFactory,
)


def _adoption(agency: Agency, **kw: Any) -> Any:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    return AdoptionFactory.create(recommendation=rec, **kw)


@pytest.fixture
def adoptions(agency: Agency, other_agency: Agency) -> None:
    ReviewFactory.create(adoption=_adoption(agency), verdict="conflicts")
    ReviewFactory.create(adoption=_adoption(agency), verdict="aligned")
    _adoption(agency)  # unreviewed, follow-up overdue (effective 2024)
    _adoption(agency, effective_on=dt.date.today())  # unreviewed, not yet due
    _adoption(other_agency)  # not counted for our overseer


def _count_on_page(html: str, key: str) -> tuple[int, str]:
    match = re.search(
        rf'data-figure="{key}"><a class="usa-link" href="([^"]+)"[^>]*>(\d+)</a>', html
    )
    assert match, key
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("persona", ["inspector", "clerk"])
@pytest.mark.parametrize("key", ["conflicts", "unreviewed", "follow_up_overdue"])
def test_each_count_equals_the_list_it_links_to(
    adoptions: None, persona: str, key: str, request: pytest.FixtureRequest
) -> None:
    from conftest import client_for

    client = client_for(request.getfixturevalue(persona))
    count, href = _count_on_page(client.get("/oversight/").content.decode(), key)
    listed = client.get(href)
    assert listed.status_code == 200
    assert f'data-count="{count}"' in listed.content.decode()
    summary = client.get("/api/v1/oversight/summary").json()["outcomes"][key]
    assert summary["adoptions"] == count
    api_list = client.get(f"/api/v1/outcomes/adoptions?{summary['list_query']}").json()
    assert api_list["count"] == count
    assert count == {"conflicts": 1, "unreviewed": 2, "follow_up_overdue": 3}[key]


def test_an_overseer_of_every_agency_narrowed_to_one_gets_that_agencys_lists(
    adoptions: None, agency: Agency
) -> None:
    from conftest import client_for

    state_ig: User = user_with_role("overseer", None, "state_ig")
    client = client_for(state_ig)
    everything = client.get("/api/v1/oversight/summary").json()["outcomes"]["unreviewed"]
    assert everything["adoptions"] == 3
    one = client.get(f"/api/v1/oversight/summary?agency={agency.pk}").json()["outcomes"]
    listed = client.get(f"/api/v1/outcomes/adoptions?{one['unreviewed']['list_query']}").json()
    assert one["unreviewed"]["adoptions"] == listed["count"] == 2
