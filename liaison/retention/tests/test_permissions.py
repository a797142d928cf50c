"""Who may place and release holds (overseers only) and set schedules (coordinators and
administrators), through the page and the API, checked by what changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.retention.models import LegalHold, RetentionSchedule
from liaison.retention.services import hold_place
from liaison.retention.tests.helpers import old_trip

pytestmark = pytest.mark.django_db
API = "/api/v1/retention"
PERSONAS = ["inspector", "clerk", "administrator", "commander", "employee_user", "outsider"]


def _api(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def trip(agency: Agency, clerk: User) -> Activity:
    return old_trip(clerk, agency, with_dependants=False)


# --- holds: only overseers -------------------------------------------------------------


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_overseers_place_holds(
    persona: str, door: str, agency: Agency, trip: Activity, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    body = {"agency": agency.pk, "scope": "activity", "activity": trip.pk, "reason": "IG review"}
    if door == "page":
        response = client.post("/retention/holds/new/", body)
    else:
        response = _api(client, "post", "/holds", body)
    placed = LegalHold.objects.filter(activity_number=trip.pk).exists()
    assert placed == (persona == "inspector"), response.status_code
    if persona == "inspector":
        assert response.status_code in (302, 201)
        hold = LegalHold.objects.get()
        assert (hold.placed_by, hold.reason) == (user, "IG review")
        assert hold.history.count() == 1  # type: ignore[attr-defined]
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_overseers_release_holds(
    persona: str,
    door: str,
    agency: Agency,
    inspector: User,
    trip: Activity,
    request: pytest.FixtureRequest,
) -> None:
    hold = hold_place(actor=inspector, agency=agency, scope="agency", reason="IG review")
    user = request.getfixturevalue(persona)
    client = client_for(user)
    if door == "page":
        response = client.post(f"/retention/holds/{hold.pk}/release/", {"reason": "Closed"})
    else:
        response = _api(client, "post", f"/holds/{hold.pk}/release", {"reason": "Closed"})
    hold.refresh_from_db()
    assert (hold.released_at is not None) == (persona == "inspector"), response.status_code
    if persona == "inspector":
        assert (hold.released_by, hold.release_reason) == (inspector, "Closed")
        reasons = list(
            hold.history.order_by("history_date").values_list(  # type: ignore[attr-defined]
                "history_change_reason", flat=True
            )
        )
        assert reasons == ["placed", "released"]
    elif persona in ("clerk", "administrator"):
        assert response.status_code == 403  # they read the hold, but may not release it
    else:
        assert response.status_code == 404  # not a hold they may see


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_release_without_a_reason_changes_nothing(
    door: str, agency: Agency, inspector: User
) -> None:
    hold = hold_place(actor=inspector, agency=agency, scope="agency", reason="IG review")
    client = client_for(inspector)
    if door == "page":
        response = client.post(f"/retention/holds/{hold.pk}/release/", {"reason": "  "})
        assert response.status_code == 422
        assert "This field is required" in response.content.decode()
    else:
        response = _api(client, "post", f"/holds/{hold.pk}/release", {"reason": "  "})
        assert response.status_code == 422
        assert "Give a reason to release a hold" in json.dumps(response.json())
    hold.refresh_from_db()
    assert hold.released_at is None
    assert hold.history.count() == 1  # type: ignore[attr-defined]


def test_a_hold_twice_released_is_refused_with_409(agency: Agency, inspector: User) -> None:
    hold = hold_place(actor=inspector, agency=agency, scope="agency", reason="IG review")
    client = client_for(inspector)
    assert (
        _api(client, "post", f"/holds/{hold.pk}/release", {"reason": "Closed"}).status_code == 200
    )
    again = _api(client, "post", f"/holds/{hold.pk}/release", {"reason": "Again"})
    assert again.status_code == 409
    hold.refresh_from_db()
    assert hold.release_reason == "Closed"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"scope": "activity", "reason": "IG"}, "activity", "Name the activity"),
        ({"scope": "activity", "activity": 999999, "reason": "IG"}, "activity", "No activity"),
        ({"scope": "agency", "reason": " "}, "reason", "Give a reason to place a hold"),
        ({"scope": "employee", "employee": 999999, "reason": "IG"}, "employee", "No such"),
        ({"scope": "agency", "activity": 1, "reason": "IG"}, "activity", "names no activity"),
    ],
)
def test_a_bad_hold_is_named_and_nothing_is_placed(
    body: dict[str, Any], field: str, message: str, agency: Agency, inspector: User
) -> None:
    response = _api(client_for(inspector), "post", "/holds", {"agency": agency.pk, **body})
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not LegalHold.objects.exists()


def test_a_hold_on_another_agencys_activity_is_refused(
    agency: Agency, other_agency: Agency, inspector: User, outsider: User
) -> None:
    theirs = old_trip(outsider, other_agency, with_dependants=False)
    body = {"agency": agency.pk, "scope": "activity", "activity": theirs.pk, "reason": "IG"}
    assert _api(client_for(inspector), "post", "/holds", body).status_code == 422
    assert not LegalHold.objects.exists()


# --- schedules: coordinators and administrators ----------------------------------------


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_and_administrators_set_schedules(
    persona: str, door: str, agency: Agency, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    body = {"record_type": "activity", "years": 7, "authority": "City GRS 2.1"}
    if door == "page":
        response = client.post(f"/retention/schedules/{agency.pk}/", body)
    else:
        response = _api(client, "put", "/schedules", {"agency": agency.pk, **body})
    allowed = persona in ("clerk", "administrator")
    schedule = RetentionSchedule.objects.filter(agency=agency).first()
    assert (schedule is not None) == allowed, response.status_code
    if allowed:
        assert schedule is not None
        assert (schedule.years, schedule.authority) == (7, "City GRS 2.1")
        assert schedule.history.get().history_user == user  # type: ignore[attr-defined]
    else:
        # Readers of the agency who may not set its schedule are refused (403); anyone
        # who reads nothing of it is told nothing about it (404).
        assert response.status_code == (403 if persona == "inspector" else 404)


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize(
    ("years", "message"), [(0, "between 1 and 100"), (101, "between 1 and 100")]
)
def test_a_bad_schedule_is_named_and_nothing_changes(
    door: str, years: int, message: str, agency: Agency, clerk: User
) -> None:
    client = client_for(clerk)
    body = {"record_type": "activity", "years": years, "authority": "City GRS 2.1"}
    if door == "page":
        response = client.post(f"/retention/schedules/{agency.pk}/", body)
        assert response.status_code == 422
    else:
        response = _api(client, "put", "/schedules", {"agency": agency.pk, **body})
        assert response.status_code == 422
        assert message in json.dumps(response.json())
    assert not RetentionSchedule.objects.exists()


def test_a_schedule_change_keeps_its_history_on_the_page(agency: Agency, clerk: User) -> None:
    client = client_for(clerk)
    for years in (7, 10):
        body = {"record_type": "activity", "years": years, "authority": "City GRS 2.1"}
        assert client.post(f"/retention/schedules/{agency.pk}/", body).status_code == 302
    schedule = RetentionSchedule.objects.get()
    assert schedule.years == 10
    assert [h.years for h in schedule.history.order_by("history_date")] == [7, 10]  # type: ignore[attr-defined]
    page = client.get(f"/retention/schedules/{agency.pk}/").content.decode()
    assert "City GRS 2.1" in page and ">7<" in page and ">10<" in page


# --- holds need a recent password or MFA check (ADR 0021) --------------------------------


@pytest.mark.parametrize("door", ["page", "api"])
def test_placing_a_hold_asks_for_a_recent_check_first(
    door: str, agency: Agency, inspector: User, trip: Activity
) -> None:
    """An overseer signed in long ago is sent to confirm it is them (the page) or refused
    (the API, with the browser session); no hold is placed until they do."""
    import time

    from liaison.accounts.reauth import AUTH_AT

    client = client_for(inspector)
    session = client.session
    session[AUTH_AT] = int(time.time()) - 3600
    session.save()
    body = {"agency": agency.pk, "scope": "agency", "reason": "IG review"}
    if door == "page":
        response = client.post("/retention/holds/new/", body)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
    else:
        response = _api(client, "post", "/holds", body)
        assert response.status_code == 403
    assert not LegalHold.objects.exists()
    # Once confirmed, the same request places the hold.
    session = client.session
    session[AUTH_AT] = int(time.time())
    session.save()
    if door == "page":
        client.post("/retention/holds/new/", body)
    else:
        _api(client, "post", "/holds", body)
    assert LegalHold.objects.filter(placed_by=inspector).count() == 1
