"""The declared conditions for higher command, read through the activity instance."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, LocationFactory
from liaison.approvals.conditions import ADVISORY_LEVEL, CONDITIONS, advisory_levels, conditions_met
from liaison.approvals.models import ApprovalPolicy
from liaison.people.tests.factories import OrganisationFactory


class _Locations:
    def __init__(self, items: list[Any]) -> None:
        self._items = items

    def all(self) -> list[Any]:
        return self._items


def test_every_condition_has_a_unique_name() -> None:
    names = [c.name for c in CONDITIONS]
    assert len(names) == len(set(names))


def test_a_location_without_a_risk_assessment_meets_no_advisory_condition(agency: Agency) -> None:
    # Today: the security app's RiskAssessment is not installed here, so no location has
    # ``risk_assessment`` and the condition reads nothing (declared, not yet met).
    activity = ActivityFactory.create(agency=agency)
    LocationFactory.create(activity=activity, country="IL")
    assert advisory_levels(activity) == []
    assert not ADVISORY_LEVEL.check(activity, ApprovalPolicy(agency=agency))


def test_the_advisory_condition_reads_the_level_assessed_at_the_time(agency: Agency) -> None:
    # The shape the security app adds (location.risk_assessment.advisory_level_at_time),
    # stood in by plain objects: the check is a pure read of the instance.
    assessed = SimpleNamespace(
        locations=_Locations(
            [
                SimpleNamespace(risk_assessment=SimpleNamespace(advisory_level_at_time=2)),
                SimpleNamespace(risk_assessment=SimpleNamespace(advisory_level_at_time=3)),
                SimpleNamespace(),  # not assessed yet
            ]
        )
    )
    policy = ApprovalPolicy(agency=agency, advisory_level_threshold=3)
    assert advisory_levels(assessed) == [2, 3]
    assert ADVISORY_LEVEL.check(assessed, policy)
    assert "is 3" in ADVISORY_LEVEL.sentence(assessed, policy)
    assert not ADVISORY_LEVEL.check(
        assessed, ApprovalPolicy(agency=agency, advisory_level_threshold=4)
    )


def test_an_inbound_programme_for_a_foreign_ministry_needs_higher_command(
    agency: Agency, clerk: User
) -> None:
    ministry = OrganisationFactory.create(
        name="Ministry of Interior", country="AE", org_type="ministry"
    )
    activity = ActivityFactory.create(
        agency=agency,
        direction="inbound",
        host_organisation=ministry,
        estimated_cost=Decimal("900"),
    )
    LocationFactory.create(activity=activity, country="US")
    met = conditions_met(activity, ApprovalPolicy(agency=agency))
    assert [c.name for c in met] == ["foreign_ministry_inbound"]
    assert "Ministry of Interior" in met[0].sentence(activity, ApprovalPolicy(agency=agency))
    assert (
        conditions_met(activity, ApprovalPolicy(agency=agency, foreign_ministry_inbound=False))
        == []
    )
