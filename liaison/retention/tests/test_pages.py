"""Retention pages and API reads: tombstones, holds, the overview's dry run."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.retention.services import hold_place, retention_apply, schedule_set
from liaison.retention.tests.helpers import old_trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def destroyed(agency: Agency, clerk: User) -> list[int]:
    schedule_set(actor=clerk, agency=agency, record_type="activity", years=3, authority="GRS")
    trips = [
        old_trip(clerk, agency, title=f"Trip {year}", start=dt.date(year, 3, 1))
        for year in (2015, 2015, 2018)
    ]
    retention_apply(actor=clerk, today=dt.date(2026, 12, 1))
    return [t.pk for t in trips]


def test_tombstones_are_listed_and_shown_with_their_hash(
    destroyed: list[int], inspector: User
) -> None:
    client = client_for(inspector)
    page = client.get("/retention/tombstones/")
    assert page.status_code == 200
    assert page.context["page"].count == 3
    assert client.get("/retention/tombstones/", {"year": 2015}).context["page"].count == 2
    api = client.get("/api/v1/retention/tombstones", {"year": 2015}).json()
    assert api["count"] == 2
    first = api["items"][0]
    detail = client.get(f"/retention/tombstones/{first['id']}/").content.decode()
    assert first["content_sha256"] in detail
    assert first["destroyed_by"] == "clerk"


def test_another_agencys_reader_sees_no_tombstones(destroyed: list[int], outsider: User) -> None:
    client = client_for(outsider)
    assert client.get("/retention/tombstones/").context["page"].count == 0
    assert client.get("/api/v1/retention/tombstones").json()["count"] == 0


def test_an_employee_is_refused_retention_pages(destroyed: list[int], employee_user: User) -> None:
    client = client_for(employee_user)
    assert client.get("/retention/").status_code == 403
    assert client.get("/retention/tombstones/").status_code == 403
    assert client.get("/api/v1/retention/tombstones").status_code == 403


def test_the_overview_shows_what_the_next_run_would_destroy_and_what_is_held(
    agency: Agency, clerk: User, inspector: User
) -> None:
    schedule_set(actor=clerk, agency=agency, record_type="activity", years=3, authority="GRS")
    due = old_trip(clerk, agency, title="Due one", with_dependants=False)
    held = old_trip(clerk, agency, title="Held one", with_dependants=False)
    hold_place(actor=inspector, agency=agency, scope="activity", activity_id=held.pk, reason="IG")
    page = client_for(inspector).get("/retention/").content.decode()
    due_part = page.split('data-plan="due"')[1].split("</ul>")[0]
    held_part = page.split('data-plan="held"')[1].split("</ul>")[0]
    assert "Due one" in due_part and "Held one" not in due_part
    assert "Held one" in held_part and "the hold on Held one" in held_part
    assert due.pk  # unchanged: the overview reads only
