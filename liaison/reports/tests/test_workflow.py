"""Review: the return-and-resubmit cycle, the checklist, the guards, and every step in
the history with its actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory
from liaison.reports.models import ReportReview, ReportStatus
from liaison.reports.services import report_transition, report_update
from liaison.reports.tests.helpers import filled_report, full_input
from liaison.reports.workflow import CHECKLIST_KEYS, TRANSITIONS

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ALL_TICKED = dict.fromkeys(CHECKLIST_KEYS, True)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


def test_return_and_resubmit_then_acknowledge(
    django_capture_on_commit_callbacks: Any,
    commander: User,
    employee_user: User,
    employee_record: Employee,
) -> None:
    employee_user.email = "dana.reyes@example.org"
    employee_user.save()
    commander.email = "commander@example.org"
    commander.save()
    report = filled_report(employee_user, employee_record)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(actor=employee_user, report=report, name="submit")
    assert mail.outbox[-1].to == ["commander@example.org"]
    deadline = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(
            actor=commander, report=report, name="return",
            reason="Name the units you visited.", resubmit_by=deadline,
            checklist={"purpose_and_itinerary": False},
        )  # fmt: skip
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.resubmit_by == deadline
    assert "Name the units you visited." in mail.outbox[-1].body
    returned = ReportReview.objects.get(report=report)
    assert returned.decision == "returned"
    assert returned.checklist["purpose_and_itinerary"] is False
    assert returned.reviewer == commander

    report_update(
        actor=employee_user, report=report,
        data=full_input(itinerary="Public order unit, Riverside district; the academy's "
                        "scenario village; the command and control centre."),
    )  # fmt: skip
    report_transition(actor=employee_user, report=report, name="submit")
    report_transition(actor=commander, report=report, name="acknowledge", checklist=ALL_TICKED)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED
    assert report.acknowledged_at is not None
    steps = [
        (h.status, h.history_user_id) for h in report.history.order_by("history_date", "history_id")
    ]
    # Every move is in the history with who made it.
    assert ("returned", commander.pk) in steps
    assert ("acknowledged", commander.pk) in steps
    assert [s for s, _ in steps].count("submitted") == 2


def test_return_needs_a_reason_and_a_future_deadline(
    commander: User, employee_user: User, employee_record: Employee
) -> None:
    report = filled_report(employee_user, employee_record)
    report_transition(actor=employee_user, report=report, name="submit")
    with pytest.raises(ValidationError) as refused:
        report_transition(
            actor=commander, report=report, name="return", reason="",
            resubmit_by=timezone.localdate(),
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"reason", "resubmit_by"}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not ReportReview.objects.exists()


def test_acknowledging_needs_every_checklist_item(
    commander: User, employee_user: User, employee_record: Employee
) -> None:
    report = filled_report(employee_user, employee_record)
    report_transition(actor=employee_user, report=report, name="submit")
    with pytest.raises(InvalidTransition, match="Tick every checklist item"):
        report_transition(
            actor=commander, report=report, name="acknowledge",
            checklist=ALL_TICKED | {"materials_accounted": False},
        )  # fmt: skip
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_supervisor_who_is_an_author_may_not_review_their_own_report(
    agency: Agency,
) -> None:
    sergeant = user_with_role("approver", agency, "sergeant")
    from liaison.accounts.models import RoleGrant

    RoleGrant.objects.create(user=sergeant, role="employee", agency=agency)
    employee = EmployeeFactory.create(agency=agency, user=sergeant)
    report = filled_report(sergeant, employee)
    report_transition(actor=sergeant, report=report, name="submit")
    with pytest.raises(InvalidTransition, match="another supervisor reviews it"):
        report_transition(actor=sergeant, report=report, name="acknowledge", checklist=ALL_TICKED)


def test_an_employee_may_not_review_and_a_move_off_the_table_is_refused(
    employee_user: User, employee_record: Employee
) -> None:
    report = filled_report(employee_user, employee_record)
    with pytest.raises(InvalidTransition, match="allowed: submit"):
        report_transition(actor=employee_user, report=report, name="acknowledge")
    report_transition(actor=employee_user, report=report, name="submit")
    with pytest.raises(Forbidden):
        report_transition(actor=employee_user, report=report, name="acknowledge")


def test_the_api_enum_lists_every_transition_of_the_table() -> None:
    from typing import get_args

    from liaison.reports.schemas import TransitionName

    assert set(get_args(TransitionName)) == {t.name for t in TRANSITIONS}


def test_a_long_return_reason_is_kept_whole_on_both_databases(
    commander: User, employee_user: User, employee_record: Employee
) -> None:
    """History's change-reason column holds 100 characters (PostgreSQL enforces it): the
    reason is kept whole on the review row and the history row names the move."""
    report = filled_report(employee_user, employee_record)
    report_transition(actor=employee_user, report=report, name="submit")
    reason = "Name each unit you visited and what its commander showed you there. " * 4
    report_transition(
        actor=commander, report=report, name="return", reason=reason,
        resubmit_by=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert ReportReview.objects.get(report=report).reason == reason.strip()
