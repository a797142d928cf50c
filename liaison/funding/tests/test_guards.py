"""The equal standard as approval guards (ADR 0019): an outside-funded request is not
approved with less on record than a department-funded one; anonymous funding blocks
approval unless a named official overrides it with a reason; the funder may not select
the traveller and the agency head may not select themself."""

from __future__ import annotations

import pytest

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.activities.workflow import Status
from liaison.approvals.models import ApprovalStep
from liaison.approvals.services import approval_decide
from liaison.approvals.tests.helpers import assess_abroad, fund_outside, future
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.funding.models import AnonymousOverride, Funder
from liaison.funding.services import (
    ContributionInput,
    ScreeningInput,
    SelectionInput,
    anonymous_override_record,
    contribution_create,
    screening_record,
    selection_record,
)
from liaison.funding.tests.factories import FunderFactory


@pytest.fixture
def request_in_approval(agency: Agency) -> Activity:
    start = future()
    activity = ActivityFactory.create(
        agency=agency,
        status=Status.IN_APPROVAL,
        start_date=start,
        end_date=future(63),
        justification="",
    )
    LocationFactory.create(activity=activity, country="IL", city="Tel Aviv")
    assess_abroad(activity, security=user_with_role("security", agency, "assessor"))
    ParticipationFactory.create(activity=activity)
    ApprovalStep.objects.create(activity=activity, kind="approval", role="approver", position=1)
    return activity


@pytest.fixture
def deputy(agency: Agency) -> User:
    return user_with_role("command", agency, "deputy")


def status(activity: Activity) -> str:
    return Activity.objects.get(pk=activity.pk).status


def test_a_department_funded_request_needs_nothing_more(
    commander: User, request_in_approval: Activity
) -> None:
    approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.APPROVED


def test_an_outside_funded_request_with_only_the_money_on_record_is_refused(
    agency: Agency, clerk: User, commander: User, request_in_approval: Activity
) -> None:
    funder = FunderFactory.create(agency=agency)
    contribution_create(
        actor=clerk,
        activity=request_in_approval,
        data=ContributionInput(funder=funder, paid_for="lodging", amount="900"),
    )
    with pytest.raises(InvalidTransition, match="at least the record a department-funded"):
        approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.IN_APPROVAL


def test_with_the_full_record_it_is_approved(
    agency: Agency, clerk: User, commander: User, deputy: User, request_in_approval: Activity
) -> None:
    funder = FunderFactory.create(agency=agency)
    fund_outside(request_in_approval, funder=funder, coordinator=clerk, screener=deputy)
    approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.APPROVED


def test_a_declined_screening_blocks_approval(
    agency: Agency, clerk: User, commander: User, deputy: User, request_in_approval: Activity
) -> None:
    funder = FunderFactory.create(agency=agency, funder_type="company", name="Skyline Inc.")
    contribution_create(
        actor=clerk,
        activity=request_in_approval,
        data=ContributionInput(funder=funder, paid_for="registration", amount="400"),
    )
    Activity.objects.filter(pk=request_in_approval.pk).update(justification="Needed.")
    screening_record(
        actor=deputy,
        activity=request_in_approval,
        data=ScreeningInput(
            funder=funder,
            determination="decline",
            has_contracts=True,
            rationale="Bids on the helicopter contract.",
        ),
    )
    for p in request_in_approval.participations.all():
        selection_record(
            actor=clerk,
            participation=p,
            data=SelectionInput(selected_by="agency", selector_name="Capt. Ortiz"),
        )
    with pytest.raises(InvalidTransition, match="conflicts of interest"):
        approval_decide(actor=commander, activity=request_in_approval, decision="approve")


def _anonymous(agency: Agency, activity: Activity, clerk: User, deputy: User) -> Funder:
    anonymous = FunderFactory.create(
        agency=agency,
        funder_type="anonymous",
        name="Undisclosed donor through the Metro City Police Foundation",
    )
    fund_outside(activity, funder=anonymous, coordinator=clerk, screener=deputy)
    return anonymous


def test_anonymous_funding_blocks_approval(
    agency: Agency, clerk: User, commander: User, deputy: User, request_in_approval: Activity
) -> None:
    _anonymous(agency, request_in_approval, clerk, deputy)
    with pytest.raises(InvalidTransition, match="Anonymous funding blocks approval"):
        approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.IN_APPROVAL


def test_a_named_officials_override_with_a_reason_lets_it_through(
    agency: Agency, clerk: User, commander: User, deputy: User, request_in_approval: Activity
) -> None:
    _anonymous(agency, request_in_approval, clerk, deputy)
    with pytest.raises(Forbidden):
        anonymous_override_record(actor=clerk, activity=request_in_approval, reason="Fine.")
    override = anonymous_override_record(
        actor=deputy,
        activity=request_in_approval,
        reason="The foundation vouches for the donor; the course is open to all agencies.",
    )
    assert override.official_name == deputy.get_full_name() or deputy.username
    assert override.history.get().history_user == deputy
    approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.APPROVED
    assert AnonymousOverride.objects.get().reason.startswith("The foundation vouches")


def test_an_override_needs_a_reason(
    agency: Agency, clerk: User, deputy: User, request_in_approval: Activity
) -> None:
    _anonymous(agency, request_in_approval, clerk, deputy)
    with pytest.raises(Exception, match="reason"):
        anonymous_override_record(actor=deputy, activity=request_in_approval, reason="  ")
    assert not AnonymousOverride.objects.exists()


@pytest.mark.parametrize("who", ["funder", "agency_head_self"])
def test_a_traveller_selected_by_the_funder_or_the_agency_head_themself_is_refused(
    agency: Agency,
    clerk: User,
    commander: User,
    deputy: User,
    request_in_approval: Activity,
    who: str,
) -> None:
    funder = FunderFactory.create(agency=agency)
    head = ParticipationFactory.create(activity=request_in_approval)  # the chief travels too
    fund_outside(request_in_approval, funder=funder, coordinator=clerk, screener=deputy)
    head.selection.delete()
    if who == "funder":
        data = SelectionInput(selected_by="funder", selector_name="Foundation board")
    else:
        data = SelectionInput(
            selected_by="agency",
            selector_name="Chief of Police",
            selector_employee=head.employee,
            selector_is_agency_head=True,
        )
    selection_record(actor=clerk, participation=head, data=data)
    with pytest.raises(InvalidTransition, match="agency head may not select themself"):
        approval_decide(actor=commander, activity=request_in_approval, decision="approve")
    assert status(request_in_approval) == Status.IN_APPROVAL
