"""``retention_apply`` and ``manage.py apply_retention``: what is due and not held is
destroyed and leaves a tombstone; what a hold keeps survives; a dry run changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Location, Participation
from liaison.activities.summary import summary_differences
from liaison.funding.models import Contribution, Funder
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory
from liaison.records.audit_chain import verify as audit_verify
from liaison.records.models import DestructionPermit
from liaison.reports.models import EvaluationReport, Recommendation, ReportAuthor
from liaison.retention.models import LegalHold, Tombstone
from liaison.retention.services import (
    hold_place,
    hold_release,
    retention_apply,
    retention_plan,
    schedule_set,
)
from liaison.retention.tests.helpers import expected_sha256, old_trip

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def scheduled(agency: Agency, clerk: User) -> Agency:
    schedule_set(
        actor=clerk, agency=agency, record_type="activity", years=5, authority="City GRS 2.1"
    )
    return agency


def _history_rows(activity_id: int) -> int:
    return (
        Activity.history.filter(id=activity_id).count()  # type: ignore[attr-defined]
        + Location.history.filter(activity_id=activity_id).count()  # type: ignore[attr-defined]
        + Participation.history.filter(activity_id=activity_id).count()  # type: ignore[attr-defined]
    )


def test_a_held_record_survives_and_an_unheld_due_one_becomes_a_tombstone(
    scheduled: Agency, clerk: User, inspector: User
) -> None:
    alice, bob = EmployeeFactory.create_batch(2, agency=scheduled)
    due = old_trip(clerk, scheduled, title="Due trip", people=(alice,))
    held_itself = old_trip(clerk, scheduled, title="Held trip", people=(alice,))
    held_by_person = old_trip(clerk, scheduled, title="Trip of a held person", people=(bob,))
    recent = old_trip(clerk, scheduled, title="Recent trip", start=dt.date(2023, 3, 1))
    unfinished = old_trip(clerk, scheduled, title="Old draft", status="draft")
    hold_place(
        actor=inspector,
        agency=scheduled,
        scope="activity",
        activity_id=held_itself.pk,
        reason="Inspector General review 2026-14",
    )
    hold_place(
        actor=inspector,
        agency=scheduled,
        scope="employee",
        employee_id=bob.pk,
        reason="Litigation hold: Doe v. City",
    )
    sha = expected_sha256(due)
    assert _history_rows(due.pk) > 0
    report_ids = list(EvaluationReport.objects.filter(activity=due).values_list("pk", flat=True))

    plan = retention_apply(actor=clerk, today=TODAY)

    # The due one is gone, with everything that belonged to it and its history.
    assert not Activity.objects.filter(pk=due.pk).exists()
    assert not Location.objects.filter(activity_id=due.pk).exists()
    assert not Participation.objects.filter(activity_id=due.pk).exists()
    assert not EvaluationReport.objects.filter(pk__in=report_ids).exists()
    assert not ReportAuthor.objects.filter(report_id__in=report_ids).exists()
    assert not Recommendation.objects.filter(activity_id=due.pk).exists()
    assert not Contribution.objects.filter(activity_id=due.pk).exists()
    assert _history_rows(due.pk) == 0
    # What it pointed at is kept: people and funders are shared records.
    assert Employee.objects.filter(pk=alice.pk).exists()
    assert Funder.objects.exists()
    # Its tombstone.
    tombstone = Tombstone.objects.get(record_number=due.pk)
    assert [t.pk for t in plan.destroyed] == [tombstone.pk]
    assert (tombstone.title, tombstone.start_date, tombstone.end_date) == (
        "Due trip",
        due.start_date,
        due.end_date,
    )
    assert tombstone.content_sha256 == sha
    assert (tombstone.schedule_years, tombstone.schedule_authority) == (5, "City GRS 2.1")
    assert tombstone.due_on == dt.date(2021, 6, 10)
    assert tombstone.destroyed_by == clerk
    assert tombstone.contents["activities.location"] == 2
    assert tombstone.contents["reports.evaluationreport"] == 1
    assert tombstone.contents["history rows"] > 0
    # The held ones, the recent one and the unfinished one are all still there.
    for kept in (held_itself, held_by_person, recent, unfinished):
        assert Activity.objects.filter(pk=kept.pk).exists()
        assert EvaluationReport.objects.filter(activity=kept).exists()
        assert _history_rows(kept.pk) > 0
    assert sorted(i.activity.pk for i in plan.held) == sorted([held_itself.pk, held_by_person.pk])
    assert Tombstone.objects.count() == 1
    # The oversight summary tables follow the destruction.
    assert summary_differences() == []
    # The audit trail is intact: each history row destroyed is accounted for by a
    # destruction permit naming this tombstone, not reported missing (ADR 0023).
    verification = audit_verify()
    assert verification.intact, verification.first
    assert (
        DestructionPermit.objects.filter(tombstone_id=str(tombstone.pk)).count()
        >= (tombstone.contents["history rows"])
    )


def test_an_agency_hold_keeps_everything_and_its_release_lets_retention_run(
    scheduled: Agency, clerk: User, inspector: User
) -> None:
    trip = old_trip(clerk, scheduled)
    hold = hold_place(actor=inspector, agency=scheduled, scope="agency", reason="IG review")
    retention_apply(actor=clerk, today=TODAY)
    assert Activity.objects.filter(pk=trip.pk).exists()
    hold_release(actor=inspector, hold=hold, reason="Review closed")
    retention_apply(actor=clerk, today=TODAY)
    assert not Activity.objects.filter(pk=trip.pk).exists()
    assert Tombstone.objects.filter(record_number=trip.pk).exists()
    # The released hold stays on record.
    assert LegalHold.objects.get(pk=hold.pk).release_reason == "Review closed"


def test_nothing_is_destroyed_without_a_schedule(agency: Agency, clerk: User) -> None:
    trip = old_trip(clerk, agency)
    retention_apply(actor=clerk, today=TODAY)
    assert Activity.objects.filter(pk=trip.pk).exists()
    assert not Tombstone.objects.exists()


def _state() -> tuple[int, ...]:
    return (
        Activity.objects.count(),
        Location.objects.count(),
        EvaluationReport.objects.count(),
        Activity.history.count(),  # type: ignore[attr-defined]
        Location.history.count(),  # type: ignore[attr-defined]
        Tombstone.objects.count(),
    )


def test_a_dry_run_changes_nothing_and_lists_what_would_go_and_what_is_held(
    scheduled: Agency, clerk: User, inspector: User
) -> None:
    due = old_trip(clerk, scheduled, title="Due trip")
    held = old_trip(clerk, scheduled, title="Held trip")
    hold_place(
        actor=inspector, agency=scheduled, scope="activity", activity_id=held.pk, reason="IG"
    )
    before = _state()
    plan = retention_apply(actor=clerk, today=TODAY, dry_run=True)
    assert _state() == before
    assert [i.activity.pk for i in plan.due] == [due.pk]
    assert [i.activity.pk for i in plan.held] == [held.pk]

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert _state() == before
    text = out.getvalue()
    assert "Would destroy 1 record(s)" in text
    assert f"destroy activity {due.pk} “Due trip”" in text
    assert f"keep activity {held.pk} “Held trip”" in text


def test_the_command_destroys_as_the_named_actor_or_the_system_user(
    scheduled: Agency, clerk: User
) -> None:
    first = old_trip(clerk, scheduled, title="First")
    out = io.StringIO()
    call_command("apply_retention", "--actor", "clerk", "--agency", scheduled.ori_code, stdout=out)
    assert Tombstone.objects.get(record_number=first.pk).destroyed_by == clerk
    assert "Destroyed 1 record(s)" in out.getvalue()
    second = old_trip(clerk, scheduled, title="Second", start=dt.date(2015, 1, 5))
    call_command("apply_retention", stdout=io.StringIO())
    assert Tombstone.objects.get(record_number=second.pk).destroyed_by.username == (
        "retention-system"
    )


def test_the_command_refuses_an_unknown_actor_and_changes_nothing(
    scheduled: Agency, clerk: User
) -> None:
    from django.core.management.base import CommandError

    old_trip(clerk, scheduled)
    before = _state()
    with pytest.raises(CommandError, match="No active user named “nobody”"):
        call_command("apply_retention", "--actor", "nobody")
    assert _state() == before


def test_the_plan_for_today_uses_the_schedule_years(scheduled: Agency, clerk: User) -> None:
    # Ended 2021-06-10: with five years, due on 2026-06-10 and not the day before.
    trip = old_trip(clerk, scheduled, start=dt.date(2021, 6, 5))
    assert retention_plan(today=dt.date(2026, 6, 9)).due == []
    assert [i.activity.pk for i in retention_plan(today=dt.date(2026, 6, 10)).due] == [trip.pk]
