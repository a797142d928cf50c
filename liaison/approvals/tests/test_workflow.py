"""The request workflow: every declared move, every undeclared one, the chain, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity
from liaison.activities.services import activity_transition
from liaison.activities.tests.factories import ActivityFactory, LocationFactory
from liaison.activities.workflow import HAS_STARTED, OWNER_ONLY, TRANSITIONS, Status
from liaison.approvals.models import ApprovalPolicy, ApprovalStep
from liaison.approvals.selectors import approval_record, waiting_for
from liaison.approvals.services import approval_decide, approval_policy_update
from liaison.approvals.tests.helpers import assess_abroad, future, through_security
from liaison.core.errors import Forbidden, InvalidTransition

NAMES = sorted({t.name for t in TRANSITIONS})
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _activity_in(agency: Agency, status: str, *, started: bool, steps: int) -> Activity:
    start = timezone.localdate() - dt.timedelta(days=1) if started else future()
    activity = ActivityFactory.create(
        agency=agency, status=status, start_date=start, end_date=start + dt.timedelta(days=2)
    )
    LocationFactory.create(activity=activity, country="DE")
    # Assessed: the risk guard has tests of its own (liaison/security); here every declared
    # move must be makeable.
    assess_abroad(activity, security=user_with_role("security", agency, "assessor"))
    if status == Status.SECURITY_REVIEW:
        ApprovalStep.objects.create(activity=activity, kind="security_review", role="security")
    if status == Status.IN_APPROVAL:
        for position, role in list(enumerate(["approver", "command"], start=1))[:steps]:
            ApprovalStep.objects.create(
                activity=activity, kind="approval", role=role, position=position
            )
    return activity


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("name", NAMES)
def test_every_declared_move_lands_on_its_target_and_every_other_is_refused(
    agency: Agency, status: str, name: str
) -> None:
    transition = next((t for t in TRANSITIONS if t.source == status and t.name == name), None)
    if transition is None:
        activity = _activity_in(agency, status, started=False, steps=1)
        actor = user_with_role("coordinator", agency, "anyone")
        with pytest.raises(InvalidTransition):
            activity_transition(actor=actor, activity=activity, name=name, reason="Because.")
        assert Activity.objects.get(pk=activity.pk).status == status
        return
    role = next(iter(transition.roles))
    actor = user_with_role(role, agency, f"{role}-actor")
    started = HAS_STARTED in transition.guards
    activity = _activity_in(
        agency, status, started=started, steps=2 if name == "approve_step" else 1
    )
    if OWNER_ONLY in transition.roles[role]:
        Activity.objects.filter(pk=activity.pk).update(created_by=actor)
        activity.refresh_from_db()
    activity_transition(actor=actor, activity=activity, name=name, reason="Because.")
    assert Activity.objects.get(pk=activity.pk).status == transition.target


def test_every_status_but_the_final_ones_has_a_way_out() -> None:
    sources = {t.source for t in TRANSITIONS}
    assert set(Status.values) - sources == {"denied", "withdrawn", "cancelled", "closed"}


def test_no_one_approves_their_own_request(
    agency: Agency, commander: User, security_officer: User
) -> None:
    activity = _activity_in(agency, Status.IN_APPROVAL, started=False, steps=1)
    Activity.objects.filter(pk=activity.pk).update(created_by=commander)
    with pytest.raises(InvalidTransition, match="request you made"):
        approval_decide(actor=commander, activity=activity, decision="approve")
    assert Activity.objects.get(pk=activity.pk).status == Status.IN_APPROVAL
    assert ApprovalStep.objects.get(activity=activity).state == "pending"


def test_approval_on_or_after_the_start_date_is_refused(agency: Agency, commander: User) -> None:
    activity = _activity_in(agency, Status.IN_APPROVAL, started=True, steps=1)
    with pytest.raises(InvalidTransition, match="must precede"):
        approval_decide(actor=commander, activity=activity, decision="approve")


def test_denial_and_return_need_a_reason(agency: Agency, commander: User) -> None:
    activity = _activity_in(agency, Status.IN_APPROVAL, started=False, steps=1)
    for decision in ("deny", "return"):
        with pytest.raises(ValidationError):
            approval_decide(actor=commander, activity=activity, decision=decision)
    assert Activity.objects.get(pk=activity.pk).status == Status.IN_APPROVAL


@override_settings(TASKS=IMMEDIATE)
def test_a_costly_trip_to_a_listed_country_goes_to_higher_command_and_notices_go_out(
    agency: Agency,
    clerk: User,
    employee_user: User,
    security_officer: User,
    django_capture_on_commit_callbacks: object,
) -> None:
    commander = user_with_role("approver", agency, "commander")
    deputy = user_with_role("command", agency, "deputy")
    for user, address in ((commander, "cmd@example.org"), (deputy, "dep@example.org"),
                          (employee_user, "emp@example.org")):  # fmt: skip
        User.objects.filter(pk=user.pk).update(email=address)
    approval_policy_update(
        actor=clerk, agency=agency, approver_role="approver", higher_command_role="command",
        cost_threshold=Decimal("10000"), advisory_level_threshold=3, countries_list=["il"],
        foreign_ministry_inbound=True,
    )  # fmt: skip
    activity = _activity_in(agency, Status.DRAFT, started=False, steps=0)
    Activity.objects.filter(pk=activity.pk).update(
        created_by=employee_user, estimated_cost=Decimal("52470")
    )
    LocationFactory.create(activity=activity, country="IL", city="Jerusalem")
    capture = django_capture_on_commit_callbacks  # type: ignore[assignment]
    with capture(execute=True):  # type: ignore[operator]
        activity_transition(actor=employee_user, activity=activity, name="submit")
        through_security(activity, security=security_officer)
    steps = list(ApprovalStep.objects.filter(activity=activity, kind="approval"))
    assert [s.role for s in steps] == ["approver", "command"]
    assert steps[1].conditions_met == ["cost_above_threshold", "country_on_list"]
    assert "$52,470.00" in steps[1].why and "Israel" in steps[1].why
    assert [m.to for m in mail.outbox] == [["cmd@example.org"]]
    assert f"http://127.0.0.1:8000/activities/{activity.pk}/" in mail.outbox[0].body
    with capture(execute=True):  # type: ignore[operator]
        approval_decide(actor=commander, activity=activity, decision="approve",
                        conditions="Defensive briefing first.")  # fmt: skip
    assert Activity.objects.get(pk=activity.pk).status == Status.IN_APPROVAL
    assert mail.outbox[-1].to == ["dep@example.org"]
    assert [i.activity.pk for i in waiting_for(user=deputy)] == [activity.pk]
    assert waiting_for(user=commander) == []
    with capture(execute=True):  # type: ignore[operator]
        approval_decide(actor=deputy, activity=activity, decision="approve")
    assert Activity.objects.get(pk=activity.pk).status == Status.APPROVED
    assert mail.outbox[-1].to == ["emp@example.org"]
    record = approval_record(activity=Activity.objects.get(pk=activity.pk))
    assert [(s.decided_by_name, s.decided_by_role) for s in record.approved_by] == [
        (commander.get_full_name(), "Approver"),
        (deputy.get_full_name(), "Higher command"),
    ]
    assert record.approved_by[0].conditions == "Defensive briefing first."
    assert not record.started_without_approval


def test_the_same_person_may_not_approve_two_steps(agency: Agency, security_officer: User) -> None:
    both = user_with_role("approver", agency, "both")
    from liaison.accounts.services import role_grant

    role_grant(actor=None, user=both, role="command", agency=agency)
    activity = _activity_in(agency, Status.IN_APPROVAL, started=False, steps=2)
    approval_decide(actor=both, activity=activity, decision="approve")
    with pytest.raises(InvalidTransition, match="earlier step"):
        approval_decide(actor=both, activity=activity, decision="approve")


def test_bad_rules_change_nothing(agency: Agency, clerk: User, commander: User) -> None:
    with pytest.raises(ValidationError) as error:
        approval_policy_update(
            actor=clerk, agency=agency, approver_role="approver", higher_command_role="mayor",
            cost_threshold="-5", advisory_level_threshold=7, countries_list=["XX"],
            foreign_ministry_inbound=True,
        )  # fmt: skip
    assert set(error.value.message_dict) == {
        "higher_command_role", "cost_threshold", "advisory_level_threshold", "countries[0]",
    }  # fmt: skip
    assert not ApprovalPolicy.objects.exists()
    with pytest.raises(Forbidden):
        approval_policy_update(
            actor=commander, agency=agency, approver_role="approver",
            higher_command_role="command", cost_threshold=None, advisory_level_threshold=3,
            countries_list=[], foreign_ministry_inbound=True,
        )  # fmt: skip


def test_a_legacy_record_says_approval_not_on_record_and_is_flagged(
    agency: Agency, inspector: User
) -> None:
    from django.test import Client

    activity = ActivityFactory.create(
        agency=agency, status="completed", origin="imported", source="Log entry A001",
        not_on_record=["approval"],
    )  # fmt: skip
    client = Client()
    client.force_login(inspector)
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "Approval not on record" in page
    assert 'data-flag="started-without-approval"' in page
    body = client.get(f"/api/v1/activities/{activity.pk}/approvals").json()
    assert body["approval_not_on_record"] is True
    assert body["started_without_approval"] is True
    listed = client.get("/api/v1/activities", {"started_without_approval": "true"}).json()
    assert [i["id"] for i in listed["items"]] == [activity.pk]
