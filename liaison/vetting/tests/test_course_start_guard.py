"""An inbound course does not start before its trainees are vetted: the activity
workflow's ``trainees_vetted`` guard on "Mark as in progress" (ADR 0016), on both doors."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.services import activity_transition
from liaison.activities.tests.factories import ActivityFactory
from liaison.core.errors import InvalidTransition
from liaison.vetting.tests.factories import TraineeFactory, VettingFactory

REFUSAL = "Every inbound trainee needs a current vetting before the course starts"


@pytest.fixture
def course(agency: Agency) -> Activity:
    # Approved, started yesterday: only the trainees' vetting stands in the way.
    today = dt.date.today()
    return ActivityFactory.create(
        agency=agency,
        direction="inbound",
        status="approved",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=9),
    )


def test_a_course_with_an_unvetted_trainee_does_not_start(clerk: User, course: Activity) -> None:
    TraineeFactory.create(activity=course)
    with pytest.raises(InvalidTransition, match=REFUSAL):
        activity_transition(actor=clerk, activity=course, name="start")
    response = client_for(clerk).post(
        f"/api/v1/activities/{course.pk}/transitions",
        {"name": "start"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert REFUSAL in response.json()["message"]
    course.refresh_from_db()
    assert course.status == "approved"


def test_a_course_whose_trainees_are_vetted_starts(clerk: User, course: Activity) -> None:
    trainee = TraineeFactory.create(activity=course)
    VettingFactory.create(
        contact=None,
        trainee=trainee,
        agency=course.agency,
        status="approved",
        decided_on=course.start_date - dt.timedelta(days=20),
        expires_on=course.start_date + dt.timedelta(days=365),
        source_document="INVESTc approval",
    )
    activity_transition(actor=clerk, activity=course, name="start")
    course.refresh_from_db()
    assert course.status == "in_progress"


def test_an_expired_vetting_does_not_count(clerk: User, course: Activity) -> None:
    trainee = TraineeFactory.create(activity=course)
    VettingFactory.create(
        contact=None,
        trainee=trainee,
        agency=course.agency,
        status="approved",
        decided_on=course.start_date - dt.timedelta(days=400),
        expires_on=course.start_date,  # the first day it no longer counts
        sent_on=course.start_date - dt.timedelta(days=420),
        source_document="INVESTc approval",
    )
    with pytest.raises(InvalidTransition, match=REFUSAL):
        activity_transition(actor=clerk, activity=course, name="start")
