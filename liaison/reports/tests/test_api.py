"""The API door of evaluation reports: the same services and answers as the pages."""

from __future__ import annotations

import json
from typing import Any

from conftest import client_for
from liaison.accounts.models import User
from liaison.activities.tests.factories import ParticipationFactory
from liaison.people.models import Employee
from liaison.reports.models import EvaluationReport
from liaison.reports.tests.helpers import ended_trip, full_input, participant


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_participant_files_and_submits_through_the_api(
    employee_user: User, employee_record: Employee, commander: User
) -> None:
    trip = ended_trip(employee_record.agency)
    mine = participant(trip, employee_record)
    client = client_for(employee_user)
    created = _post(
        client, f"/api/v1/activities/{trip.pk}/reports", {"participation_ids": [mine.pk]}
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    one_line = _post(client, f"/api/v1/reports/{report_id}/transitions", {"name": "submit"})
    assert one_line.status_code == 409
    assert "Purpose: missing." in one_line.json()["message"]
    body = full_input().__dict__
    body.pop("contact_ids")
    put = client.put(
        f"/api/v1/reports/{report_id}", json.dumps(body), content_type="application/json"
    )
    assert put.status_code == 200
    assert [r["position"] for r in put.json()["recommendations"]] == [1, 2]
    assert (
        _post(client, f"/api/v1/reports/{report_id}/transitions", {"name": "submit"}).status_code
        == 200
    )
    assert EvaluationReport.objects.get(pk=report_id).status == "submitted"
    review = client_for(commander).get(f"/api/v1/reports/{report_id}")
    assert review.json()["allowed_transitions"] == ["return", "acknowledge"]


def test_another_activity_s_participant_names_no_one(
    employee_user: User, employee_record: Employee
) -> None:
    trip = ended_trip(employee_record.agency)
    participant(trip, employee_record)
    stranger = ParticipationFactory.create(name_at_time="Someone Elsewhere")
    response = _post(
        client_for(employee_user), f"/api/v1/activities/{trip.pk}/reports",
        {"participation_ids": [stranger.pk]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Someone Elsewhere" not in response.content.decode()
    assert not EvaluationReport.objects.exists()
