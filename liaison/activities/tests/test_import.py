"""``activity_import``: a record of the past says where it came from, when the department
first recorded it, and which steps are not on record; ``activity_create`` makes drafts."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Location, Participation
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_import,
    activity_transition,
)
from liaison.activities.tests.factories import CategoryFactory
from liaison.activities.workflow import Status
from liaison.core.errors import Forbidden
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SOURCE = "Training unit travel log 2016, row 14"
RECORDED = dt.datetime(2016, 4, 20, 9, 30, tzinfo=dt.UTC)


def legacy_input(agency: Agency, *participants: ParticipantInput) -> ActivityInput:
    category = CategoryFactory.create(name="Counterterrorism", slug="counterterrorism")
    return ActivityInput(
        title="Command and Control Counter-Terrorism",
        direction="outbound",
        kind="course",
        category_id=category.pk,
        purpose="Executive development.",
        start_date=dt.date(2016, 6, 5),
        end_date=dt.date(2016, 6, 12),
        topics=["counterterrorism"],
        locations=[LocationInput("IL", "Jerusalem")],
        participants=list(participants),
    )


def do_import(actor: User, agency: Agency, data: ActivityInput, **overrides: Any) -> Activity:
    values: dict[str, Any] = dict(
        status=Status.COMPLETED,
        recorded_at=RECORDED,
        source=SOURCE,
        not_on_record=["evaluation_report", "approval"],
    )
    values.update(overrides)
    return activity_import(actor=actor, agency=agency, data=data, **values)


def nothing_saved() -> bool:
    return not (
        Activity.objects.exists() or Location.objects.exists() or Participation.objects.exists()
    )


def test_a_coordinator_imports_a_completed_record_with_its_provenance(
    clerk: User, agency: Agency
) -> None:
    activity = do_import(clerk, agency, legacy_input(agency))
    activity.refresh_from_db()
    assert activity.status == Status.COMPLETED
    assert (activity.origin, activity.source) == ("imported", SOURCE)
    assert activity.recorded_at == RECORDED
    # The declared order, whatever order the caller gave.
    assert activity.not_on_record == ["approval", "evaluation_report"]
    assert activity.created_by == clerk
    first = activity.history.earliest()  # type: ignore[attr-defined]
    assert (first.history_user, first.history_change_reason) == (clerk, "imported")


def test_when_the_source_has_no_record_date_it_stays_unknown_not_the_load_date(
    clerk: User, agency: Agency
) -> None:
    activity = do_import(clerk, agency, legacy_input(agency), recorded_at=None)
    activity.refresh_from_db()
    assert activity.recorded_at is None


def test_a_participant_keeps_the_rank_and_unit_the_source_shows(
    clerk: User, agency: Agency
) -> None:
    promoted = EmployeeFactory.create(agency=agency, rank="Captain II", unit="Metropolitan")
    unchanged = EmployeeFactory.create(agency=agency, rank="Sergeant I", unit="Harbor Area")
    data = legacy_input(
        agency,
        ParticipantInput(
            employee_id=promoted.pk, rank_at_time="Lieutenant II", unit_at_time="Major Crimes"
        ),
        ParticipantInput(serial_number=unchanged.serial_number),
    )
    activity = do_import(clerk, agency, data)
    then = {p.employee_id: (p.rank_at_time, p.unit_at_time) for p in activity.participations.all()}
    assert then == {
        promoted.pk: ("Lieutenant II", "Major Crimes"),
        unchanged.pk: ("Sergeant I", "Harbor Area"),
    }
    # Today's record of the person is untouched.
    assert Employee.objects.get(pk=promoted.pk).rank == "Captain II"


def test_an_imported_record_moves_on_along_the_declared_table(clerk: User, agency: Agency) -> None:
    activity = do_import(clerk, agency, legacy_input(agency))
    activity_transition(actor=clerk, activity=activity, name="close")
    activity.refresh_from_db()
    assert activity.status == Status.CLOSED


@pytest.mark.parametrize("persona", ["employee_user", "commander", "inspector", "outsider"])
def test_only_a_coordinator_of_the_agency_may_import(
    agency: Agency, persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    data = legacy_input(agency)
    with pytest.raises(Forbidden):
        do_import(actor, agency, data)
    assert nothing_saved()


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"status": "teleported"}, "status"),
        ({"source": "   "}, "source"),
        ({"source": "x" * 301}, "source"),
        ({"not_on_record": ["approval", "blessing"]}, "not_on_record"),
        ({"recorded_at": timezone.now() + dt.timedelta(days=2)}, "recorded_at"),
        ({"recorded_at": dt.datetime(2016, 4, 20, 9, 30)}, "recorded_at"),
    ],
)
def test_it_refuses_bad_provenance_and_saves_nothing(
    clerk: User, agency: Agency, overrides: dict[str, Any], key: str
) -> None:
    data = legacy_input(agency)
    with pytest.raises(ValidationError) as caught:
        do_import(clerk, agency, data, **overrides)
    assert key in caught.value.message_dict
    assert nothing_saved()


def test_it_reports_provenance_and_activity_errors_together(clerk: User, agency: Agency) -> None:
    data = legacy_input(agency, ParticipantInput(serial_number="99999"))
    data.locations = [LocationInput("ZZ", "Nowhere")]
    with pytest.raises(ValidationError) as caught:
        do_import(clerk, agency, data, source="")
    assert {"source", "locations[0].country", "participants[0].serial_number"} <= set(
        caught.value.message_dict
    )
    assert nothing_saved()


def test_activity_create_makes_drafts_only(clerk: User, agency: Agency) -> None:
    assert "status" not in inspect.signature(activity_create).parameters
    activity = activity_create(actor=clerk, agency=agency, data=legacy_input(agency))
    assert (activity.status, activity.origin, activity.source) == (Status.DRAFT, "entered", "")
    assert activity.recorded_at is not None


def test_activity_create_refuses_a_rank_from_a_source(clerk: User, agency: Agency) -> None:
    person = EmployeeFactory.create(agency=agency, rank="Captain II")
    data = legacy_input(agency, ParticipantInput(employee_id=person.pk, rank_at_time="Sergeant"))
    with pytest.raises(ValidationError) as caught:
        activity_create(actor=clerk, agency=agency, data=data)
    assert "participants[0].rank_at_time" in caught.value.message_dict
    assert nothing_saved()
