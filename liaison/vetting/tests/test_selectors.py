"""Business days, the 5-business-day reporting rule, and the vetting queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.people.tests.factories import ExternalPersonFactory
from liaison.vetting.selectors import (
    add_business_days,
    business_days_between,
    contact_list,
    report_state,
    unvetted_trainees,
    vetting_queue,
)
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory

FRIDAY = dt.date(2023, 5, 5)


def test_business_days_skip_weekends() -> None:
    assert add_business_days(FRIDAY, 1) == dt.date(2023, 5, 8)  # Monday
    assert add_business_days(FRIDAY, 5) == dt.date(2023, 5, 12)
    assert business_days_between(FRIDAY, dt.date(2023, 5, 12)) == 5
    assert business_days_between(FRIDAY, FRIDAY) == 0


def test_holidays_from_the_setting_do_not_count(settings: Any) -> None:
    settings.BUSINESS_HOLIDAYS = ["2023-05-08"]
    assert add_business_days(FRIDAY, 5) == dt.date(2023, 5, 15)


@pytest.fixture
def returned_friday(agency: Agency) -> Any:
    return ActivityFactory.create(agency=agency, start_date=dt.date(2023, 5, 1), end_date=FRIDAY)


def test_a_contact_reported_nine_business_days_after_return_is_flagged_late(
    returned_friday: Any,
) -> None:
    contact = ContactFactory.create(activity=returned_friday, reported_on=dt.date(2023, 5, 18))
    state = report_state(contact, today=dt.date(2023, 6, 1))
    assert (state.key, state.flagged) == ("late", True)
    assert state.text == "reported 9 business days after return (late)"


def test_a_contact_reported_on_the_fifth_business_day_is_on_time(returned_friday: Any) -> None:
    contact = ContactFactory.create(activity=returned_friday, reported_on=dt.date(2023, 5, 12))
    state = report_state(contact, today=dt.date(2023, 6, 1))
    assert (state.key, state.flagged, state.business_days) == ("on_time", False, 5)


def test_an_unreported_contact_is_due_then_overdue(returned_friday: Any) -> None:
    contact = ContactFactory.create(activity=returned_friday, reported_on=None)
    assert report_state(contact, today=dt.date(2023, 5, 12)).key == "due"
    overdue = report_state(contact, today=dt.date(2023, 5, 16))
    assert overdue.key == "overdue" and "2 business days past the deadline" in overdue.text


def test_the_list_filters_flagged_contacts(security_officer: User, returned_friday: Any) -> None:
    late = ContactFactory.create(activity=returned_friday, reported_on=dt.date(2023, 5, 18))
    ContactFactory.create(activity=returned_friday, reported_on=dt.date(2023, 5, 9))
    rows = contact_list(user=security_officer, report="flagged", today=dt.date(2023, 6, 1))
    assert [c.pk for c in rows] == [late.pk]


def test_the_queue_names_an_unvetted_trainee_of_a_course_starting_soon(
    security_officer: User, agency: Agency
) -> None:
    course = ActivityFactory.create(
        agency=agency, direction="inbound", title="Patrol Tactics Course",
        start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 18),
    )  # fmt: skip
    trainee = TraineeFactory.create(activity=course, external_person__full_name="Omar Al Ketbi")
    unrecorded = ExternalPersonFactory.create(agency=agency, full_name="Saeed Al Hammadi")
    ParticipationFactory.create(activity=course, employee=None, external_person=unrecorded,
                                role="trainee", name_at_time="Saeed Al Hammadi")  # fmt: skip
    flags = unvetted_trainees(user=security_officer, today=dt.date(2026, 11, 25))
    texts = [f.text for f in flags]
    assert texts == [
        "Patrol Tactics Course starts in 12 days and trainee Omar Al Ketbi is not vetted "
        "(vetting not requested)",
        "Patrol Tactics Course starts in 12 days and trainee Saeed Al Hammadi is not vetted "
        "(no intake record)",
    ]
    VettingFactory.create(contact=None, trainee=trainee, agency=agency, status="approved",
                          sent_on=dt.date(2026, 10, 1))  # fmt: skip
    flags = unvetted_trainees(user=security_officer, today=dt.date(2026, 11, 25))
    assert [f.name for f in flags] == ["Saeed Al Hammadi"]


def test_the_queue_lists_requests_awaiting_an_answer_for_security_only(
    security_officer: User, clerk: User, agency: Agency
) -> None:
    waiting = VettingFactory.create(contact__activity__agency=agency)
    queue = vetting_queue(user=security_officer, today=dt.date(2023, 6, 1))
    assert [v.pk for v in queue.awaiting_answer] == [waiting.pk]
    assert vetting_queue(user=clerk, today=dt.date(2023, 6, 1)).count == 0
