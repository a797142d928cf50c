"""Due dates and overdue status across date boundaries (hypothesis), the overdue and
due-soon lists with their filters, and the daily reminder run (idempotent per day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory
from liaison.reports.models import ReminderSent
from liaison.reports.selectors import TrackingFilters, owed_reports
from liaison.reports.services import reminders_send, report_create
from liaison.reports.tests.helpers import ended_trip, participant
from liaison.reports.workflow import (
    ReportStatus,
    due_on_for,
    effective_due,
    is_due_soon,
    is_overdue,
)

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
statuses = st.sampled_from(ReportStatus.values)


@given(end=dates, days=st.integers(min_value=1, max_value=365))
def test_a_report_is_due_the_period_after_the_last_day(end: dt.date, days: int) -> None:
    due = due_on_for(end, days)
    assert (due - end).days == days
    # Across a month, a year end and 29 February alike: on the due day it is not overdue,
    # the day after it is.
    assert not is_overdue(status="draft", due_on=due, resubmit_by=None, today=due)
    assert is_overdue(status="draft", due_on=due, resubmit_by=None,
                      today=due + dt.timedelta(days=1))  # fmt: skip


@given(due=dates, today=dates, status=statuses, resubmit=st.none() | dates)
def test_only_an_owed_report_past_its_day_is_overdue(
    due: dt.date, today: dt.date, status: str, resubmit: dt.date | None
) -> None:
    if status == ReportStatus.RETURNED and resubmit is None:
        resubmit = due
    late = is_overdue(status=status, due_on=due, resubmit_by=resubmit, today=today)
    acting_by = effective_due(status=status, due_on=due, resubmit_by=resubmit)
    owed = status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    assert late == (owed and today > acting_by)
    soon = is_due_soon(status=status, due_on=due, resubmit_by=resubmit, today=today, window=7)
    assert not (late and soon)
    if status == ReportStatus.RETURNED:
        assert acting_by == resubmit


@pytest.fixture
def trip_ended_40_days_ago(agency: Agency, employee_record: Employee) -> Any:
    today = dt.date(2026, 11, 25)
    trip = ended_trip(agency, end=today - dt.timedelta(days=40))
    return today, trip, participant(trip, employee_record)


def test_a_participant_with_no_report_is_overdue_and_a_started_draft_too(
    commander: User, employee_user: User, trip_ended_40_days_ago: Any
) -> None:
    today, trip, mine = trip_ended_40_days_ago
    items = owed_reports(user=commander, filters=TrackingFilters("overdue"), today=today)
    assert [(o.activity.pk, o.status, o.days_overdue) for o in items] == [(trip.pk, "", 10)]
    report_create(actor=employee_user, activity=trip, participations=[mine])
    items = owed_reports(user=commander, filters=TrackingFilters("overdue"), today=today)
    assert [(o.status, o.days_overdue) for o in items] == [("draft", 10)]
    # Due on day 30 after the end: not yet overdue that day.
    on_due_day = today - dt.timedelta(days=10)
    assert owed_reports(user=commander, filters=TrackingFilters("overdue"), today=on_due_day) == []
    soon = owed_reports(user=commander, filters=TrackingFilters("due_soon"), today=on_due_day)
    assert len(soon) == 1


def test_the_overdue_list_filters_by_unit_and_by_approver(
    agency: Agency, commander: User, trip_ended_40_days_ago: Any
) -> None:
    today, trip, _ = trip_ended_40_days_ago
    other = EmployeeFactory.create(agency=agency, unit="Harbor Division")
    participant(trip, other)
    by_unit = owed_reports(
        user=commander, filters=TrackingFilters("overdue", unit="Harbor Division"), today=today
    )
    assert [o.participation.employee for o in by_unit if o.participation] == [other]
    by_approver = owed_reports(
        user=commander, filters=TrackingFilters("overdue", approver_id=commander.pk), today=today
    )
    assert by_approver == []  # nobody recorded commander's approval of this trip


def test_another_agencys_overdue_reports_are_not_listed(
    outsider: User, trip_ended_40_days_ago: Any
) -> None:
    today, _, _ = trip_ended_40_days_ago
    assert owed_reports(user=outsider, filters=TrackingFilters("overdue"), today=today) == []


def test_reminders_go_once_a_day_and_escalate_after_the_set_days(
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    agency: Agency,
    employee_user: User,
    trip_ended_40_days_ago: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    employee_user.email = "dana.reyes@example.org"
    employee_user.save()
    boss = user_with_role("command", agency, "boss")
    boss.email = "boss@example.org"
    boss.save()
    today, _, _ = trip_ended_40_days_ago
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=today)
    # Ten days overdue: a reminder, no escalation yet (default: 14 days).
    assert (first.reminders, first.escalations) == (1, 0)
    assert [m.to for m in mail.outbox] == [["dana.reyes@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send(today=today)
    assert (again.reminders, again.escalations) == (0, 0)
    assert len(mail.outbox) == 1
    later = today + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        week = reminders_send(today=later)
    assert (week.reminders, week.escalations) == (1, 1)
    assert mail.outbox[-1].to == ["boss@example.org"]
    assert ReminderSent.objects.count() == 3


def test_the_command_runs_as_of_a_given_day(trip_ended_40_days_ago: Any, capsys: Any) -> None:
    call_command("send_reminders", "--date", "2026-11-25")
    call_command("send_reminders", "--date", "2026-11-25")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "2026-11-25: 1 reminder(s) and 0 escalation(s) enqueued; 0 already sent within the "
        "interval.",
        "2026-11-25: 0 reminder(s) and 0 escalation(s) enqueued; 1 already sent within the "
        "interval.",
    ]
