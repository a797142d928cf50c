"""Risk assessments: the level at the time, the itinerary hook, the approval guard and the
restricted text (404 to others, every read logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.activities.hooks import itinerary_hooks
from liaison.activities.models import Activity
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    activity_create,
    activity_transition,
    activity_update,
)
from liaison.activities.tests.factories import CategoryFactory
from liaison.activities.workflow import RISK_ASSESSED
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.records.models import RestrictedRead
from liaison.security.models import RiskAssessment
from liaison.security.services import (
    briefing_add,
    risk_assessment_record,
    risk_assessment_update,
    risk_assessments_reopen_for_itinerary,
)
from liaison.security.tests.factories import advisory

ISRAEL_2023 = dt.date(2023, 10, 14)


def trip_input(category_id: int, **overrides: Any) -> ActivityInput:
    values: dict[str, Any] = dict(
        title="Command and Control Counter-Terrorism",
        direction="outbound",
        kind="course",
        category_id=category_id,
        purpose="Study command of multi-agency counter-terrorism incidents.",
        start_date=dt.date(2030, 3, 2),
        end_date=dt.date(2030, 3, 9),
        locations=[LocationInput("IL", "Tel Aviv"), LocationInput("IL", "Jerusalem")],
    )
    values.update(overrides)
    return ActivityInput(**values)


@pytest.fixture
def trip(clerk: User, agency: Agency, security_officer: User) -> Activity:
    """Submitted and taken into security review: clearing it is the move the risk guard
    holds back (and the final approval, after an itinerary change; ADR 0015)."""
    category = CategoryFactory.create(name="Counterterrorism", slug="counterterrorism")
    activity = activity_create(actor=clerk, agency=agency, data=trip_input(category.pk))
    activity_transition(actor=clerk, activity=activity, name="submit")
    return activity_transition(actor=security_officer, activity=activity, name="start_review")


def assess_all(activity: Activity, officer: User) -> list[RiskAssessment]:
    return [
        risk_assessment_record(
            actor=officer, location=loc, decision="proceed", concerns="Rocket fire near Gaza."
        )
        for loc in activity.locations.all()
        if not hasattr(loc, "risk_assessment") or not loc.risk_assessment.is_done
    ]


def test_the_assessment_keeps_the_level_in_force_when_it_was_made(
    trip: Activity, security_officer: User
) -> None:
    advisory("IL", 3, ISRAEL_2023, "TU")
    first = assess_all(trip, security_officer)[0]
    # The register changes afterwards: the assessment still shows the old level.
    advisory("IL", 4, dt.date.today())
    first.refresh_from_db()
    assert first.advisory_level_at_time == 3
    assert first.advisory_effective_date_at_time == ISRAEL_2023
    assert first.advisory_indicators_at_time == "TU"
    location = trip.locations.get(city="Tel Aviv")
    assert location.risk_assessment.advisory_level_at_time == 3


def test_the_assessor_is_recorded_as_they_were(trip: Activity, security_officer: User) -> None:
    assessment = assess_all(trip, security_officer)[0]
    assert assessment.assessor == security_officer
    assert assessment.assessor_name_at_time
    assert assessment.history.get().history_user == security_officer  # type: ignore[attr-defined]


def test_proceed_with_conditions_needs_the_conditions(
    trip: Activity, security_officer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        risk_assessment_record(
            actor=security_officer,
            location=trip.locations.first(),  # type: ignore[arg-type]
            decision="proceed_with_conditions",
        )
    assert "conditions" in caught.value.message_dict
    assert not RiskAssessment.objects.exists()


def test_only_security_officers_of_the_agency_assess(
    trip: Activity, clerk: User, commander: User
) -> None:
    for actor in (clerk, commander):
        with pytest.raises(Forbidden):
            risk_assessment_record(actor=actor, location=trip.locations.first(), decision="proceed")  # type: ignore[arg-type]
    assert not RiskAssessment.objects.exists()


def test_a_home_location_needs_no_assessment(
    clerk: User, agency: Agency, security_officer: User
) -> None:
    category = CategoryFactory.create()
    activity = activity_create(
        actor=clerk,
        agency=agency,
        data=trip_input(category.pk, locations=[LocationInput("US", "Glynco")]),
    )
    with pytest.raises(ValidationError) as caught:
        risk_assessment_record(
            actor=security_officer,
            location=activity.locations.get(),
            decision="proceed",
        )
    assert "location" in caught.value.message_dict


def test_a_location_is_assessed_once_then_edited(trip: Activity, security_officer: User) -> None:
    assessment = assess_all(trip, security_officer)[0]
    with pytest.raises(ValidationError):
        risk_assessment_record(
            actor=security_officer,
            location=assessment.location,  # type: ignore[arg-type]
            decision="proceed",
        )
    updated = risk_assessment_update(
        actor=security_officer, assessment=assessment, mitigations="Travel in pairs."
    )
    assert updated.mitigations == "Travel in pairs."
    assert updated.history.count() == 2  # type: ignore[attr-defined]
    # An edit that changes nothing writes nothing.
    risk_assessment_update(
        actor=security_officer, assessment=assessment, mitigations="Travel in pairs."
    )
    assert updated.history.count() == 2  # type: ignore[attr-defined]


def test_a_briefing_is_recorded_with_date_and_who_gave_it(
    trip: Activity, security_officer: User
) -> None:
    assessment = assess_all(trip, security_officer)[0]
    briefing = briefing_add(
        actor=security_officer,
        assessment=assessment,
        kind="counter_intelligence",
        given_on=dt.date(2024, 2, 1),
        given_by="Lt. M. Okoro, Security Unit",
    )
    assert list(assessment.briefings.all()) == [briefing]
    with pytest.raises(ValidationError) as caught:
        briefing_add(
            actor=security_officer,
            assessment=assessment,
            kind="pep talk",
            given_on=None,
            given_by="",
        )
    assert set(caught.value.message_dict) == {"kind", "given_on", "given_by"}


# --- reopen on itinerary change ----------------------------------------------------------


def test_the_security_app_registers_its_itinerary_hook() -> None:
    assert risk_assessments_reopen_for_itinerary in itinerary_hooks()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"locations": [LocationInput("IL", "Tel Aviv"), LocationInput("IL", "Haifa")]}, "Haifa"),
        ({"locations": [LocationInput("IL", "Tel Aviv")]}, "removed Jerusalem"),
        (
            {"locations": [LocationInput("IL", "Tel Aviv"), LocationInput("IL", "Jerusalem"),
                           LocationInput("JO", "Amman")]},
            "added Amman, JO",
        ),
        ({"start_date": dt.date(2030, 4, 2), "end_date": dt.date(2030, 4, 9)}, "dates moved"),
    ],
)  # fmt: skip
def test_an_itinerary_change_reopens_the_assessments(
    trip: Activity, clerk: User, security_officer: User, change: dict[str, Any], words: str
) -> None:
    assess_all(trip, security_officer)
    activity_update(actor=clerk, activity=trip, data=trip_input(trip.category_id, **change))
    assessments = RiskAssessment.objects.filter(activity=trip)
    assert {a.status for a in assessments} == {"reopened"}
    for assessment in assessments:
        assert words in assessment.reopened_reason
        latest = assessment.history.first()  # type: ignore[attr-defined]
        assert latest.status == "reopened" and latest.history_user == clerk
        assert words[:20] in latest.history_change_reason


def test_an_edit_that_keeps_the_itinerary_reopens_nothing(
    trip: Activity, clerk: User, security_officer: User
) -> None:
    assess_all(trip, security_officer)
    activity_update(
        actor=clerk, activity=trip, data=trip_input(trip.category_id, title="CT Command Course")
    )
    assert set(RiskAssessment.objects.values_list("status", flat=True)) == {"done"}


def test_a_removed_location_keeps_its_assessment(
    trip: Activity, clerk: User, security_officer: User
) -> None:
    assess_all(trip, security_officer)
    activity_update(
        actor=clerk,
        activity=trip,
        data=trip_input(trip.category_id, locations=[LocationInput("IL", "Tel Aviv")]),
    )
    kept = RiskAssessment.objects.get(activity=trip, city="Jerusalem")
    assert kept.location is None and kept.status == "reopened"


# --- the approval guard ---------------------------------------------------------------------


def test_outbound_request_is_not_cleared_without_assessment_with_the_sentence(
    trip: Activity, security_officer: User
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        activity_transition(actor=security_officer, activity=trip, name="clear")
    assert caught.value.message == RISK_ASSESSED.refusal
    assert Activity.objects.get(pk=trip.pk).status == "security_review"


def test_with_every_location_assessed_it_clears_and_an_itinerary_change_refuses_approval(
    trip: Activity, clerk: User, commander: User, security_officer: User
) -> None:
    assessments = assess_all(trip, security_officer)
    # One location assessed is not enough.
    assessments[1].delete()
    with pytest.raises(InvalidTransition):
        activity_transition(actor=security_officer, activity=trip, name="clear")
    assess_all(trip, security_officer)
    activity_transition(actor=security_officer, activity=trip, name="clear")
    activity_update(
        actor=clerk,
        activity=trip,
        data=trip_input(
            trip.category_id, start_date=dt.date(2030, 5, 1), end_date=dt.date(2030, 5, 3)
        ),
    )
    with pytest.raises(InvalidTransition, match="risk assessment"):
        activity_transition(actor=commander, activity=trip, name="approve")
    # Assessed again: a new snapshot, and approval passes.
    again = [
        risk_assessment_record(actor=security_officer, location=loc, decision="proceed")
        for loc in trip.locations.all()
    ]
    assert {a.status for a in again} == {"done"}
    assert activity_transition(actor=commander, activity=trip, name="approve").status == "approved"


def test_clearing_is_refused_on_the_page_and_in_the_api_with_the_sentence(
    trip: Activity, security_officer: User
) -> None:
    client = Client()
    client.force_login(security_officer)
    response = client.post(f"/activities/{trip.pk}/transition/", {"name": "clear"}, follow=True)
    assert RISK_ASSESSED.refusal in response.content.decode()
    api = client.post(
        f"/api/v1/activities/{trip.pk}/transitions",
        {"name": "clear"},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["message"] == RISK_ASSESSED.refusal
    assert Activity.objects.get(pk=trip.pk).status == "security_review"


def test_inbound_and_home_activities_need_no_assessment(
    clerk: User, agency: Agency, commander: User, security_officer: User
) -> None:
    category = CategoryFactory.create()
    for direction, country in (("inbound", "US"), ("outbound", "US"), ("virtual", "FR")):
        activity = activity_create(
            actor=clerk,
            agency=agency,
            data=trip_input(category.pk, direction=direction, locations=[LocationInput(country)]),
        )
        activity_transition(actor=clerk, activity=activity, name="submit")
        for move in ("start_review", "clear"):
            activity_transition(actor=security_officer, activity=activity, name=move)
        assert (
            activity_transition(actor=commander, activity=activity, name="approve").status
            == "approved"
        )


# --- restricted text ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["security_officer", "inspector"])
def test_security_and_overseers_read_the_restricted_text_and_each_read_is_logged(
    trip: Activity, security_officer: User, persona: str, request: pytest.FixtureRequest
) -> None:
    assessment = assess_all(trip, security_officer)[0]
    reader: User = request.getfixturevalue(persona)
    client = Client()
    client.force_login(reader)
    page = client.get(f"/security/assessments/{assessment.pk}/")
    api = client.get(f"/api/v1/security/risk-assessments/{assessment.pk}")
    assert "Rocket fire near Gaza." in page.content.decode()
    assert api.json()["concerns"] == "Rocket fire near Gaza."
    reads = RestrictedRead.objects.filter(user=reader, object_id=assessment.pk)
    assert sorted(reads.values_list("door", flat=True)) == ["api", "page"]
    assert all(r.content_type.model == "riskassessment" for r in reads)


@pytest.mark.parametrize("persona", ["clerk", "commander", "reviewer", "administrator"])
def test_other_roles_get_404_for_the_restricted_text_and_nothing_is_logged(
    trip: Activity, security_officer: User, persona: str, request: pytest.FixtureRequest
) -> None:
    assessment = assess_all(trip, security_officer)[0]
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/security/assessments/{assessment.pk}/").status_code == 404
    assert client.get(f"/api/v1/security/risk-assessments/{assessment.pk}").status_code == 404
    # The summary, without the restricted text, is on the activity for whoever reads it.
    summary = client.get(f"/api/v1/activities/{trip.pk}/risk-assessments").json()
    first = summary["items"][0]["risk_assessment"]
    assert first["decision"] == "proceed" and "concerns" not in first
    page = client.get(f"/activities/{trip.pk}/").content.decode()
    assert "Risk assessments" in page and "Rocket fire" not in page
    assert not RestrictedRead.objects.exists()
