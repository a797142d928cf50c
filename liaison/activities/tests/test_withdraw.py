"""A participant withdraws before the activity runs: the request at the level of one
person (ADR 0014), on both doors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Participation
from liaison.activities.services import participation_withdraw
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.approvals.tests.helpers import make_upcoming
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee


@pytest.fixture
def my_place(agency: Agency, employee_record: Employee) -> Participation:
    activity = make_upcoming(ActivityFactory.create(agency=agency, status="in_approval"))
    LocationFactory.create(activity=activity, country="IL")
    return ParticipationFactory.create(activity=activity, employee=employee_record)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_participant_withdraws_on_the_page_with_a_reason(
    employee_user: User, my_place: Participation
) -> None:
    url = f"/activities/{my_place.activity_id}/participants/{my_place.pk}/withdraw/"
    client = _client(employee_user)
    assert "Withdraw" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 422
    my_place.refresh_from_db()
    assert my_place.withdrawn_at is None
    client.post(url, {"reason": "Court date moved onto the trip."})
    my_place.refresh_from_db()
    assert my_place.withdrawal_reason == "Court date moved onto the trip."
    page = client.get(f"/activities/{my_place.activity_id}/").content.decode()
    assert "Withdrew" in page and "Court date moved onto the trip." in page


def test_a_participant_withdraws_through_the_api(
    employee_user: User, my_place: Participation
) -> None:
    response = _client(employee_user).post(
        f"/api/v1/activities/{my_place.activity_id}/participants/{my_place.pk}/withdraw",
        {"reason": "Injured."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [mine] = response.json()["participants"]
    assert mine["withdrawal_reason"] == "Injured." and mine["withdrawn_at"]


def test_a_colleague_may_not_withdraw_someone_else(agency: Agency, my_place: Participation) -> None:
    colleague = user_with_role("employee", agency, "colleague")
    ParticipationFactory.create(activity=my_place.activity, employee__user=colleague)
    with pytest.raises(Forbidden):
        participation_withdraw(actor=colleague, participation=my_place, reason="Not needed.")
    my_place.refresh_from_db()
    assert my_place.withdrawn_at is None


def test_no_withdrawal_once_the_activity_runs_and_none_without_a_reason(
    clerk: User, my_place: Participation
) -> None:
    with pytest.raises(ValidationError):
        participation_withdraw(actor=clerk, participation=my_place, reason="")
    type(my_place.activity).objects.filter(pk=my_place.activity_id).update(status="in_progress")
    with pytest.raises(InvalidTransition, match="before the activity runs"):
        participation_withdraw(actor=clerk, participation=my_place, reason="Too late.")
    my_place.refresh_from_db()
    assert my_place.withdrawn_at is None
