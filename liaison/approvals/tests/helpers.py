"""Bring a request to a point of its workflow through the services, as people would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from liaison.activities.models import Activity
from liaison.activities.services import activity_transition
from liaison.security.tests.factories import done_assessment


def future(days: int = 60) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def make_upcoming(activity: Activity, days: int = 60) -> Activity:
    """Move a factory activity's dates into the future (approval must precede the start)."""
    Activity.objects.filter(pk=activity.pk).update(
        start_date=future(days), end_date=future(days + 3)
    )
    activity.refresh_from_db()
    return activity


def assess_abroad(activity: Activity, *, security: Any) -> Activity:
    """Give every not yet assessed location abroad of an outbound request a done risk
    assessment (clearing security review and the final approval need one; ADR 0015)."""
    if activity.direction == "outbound":
        abroad = activity.locations.exclude(country=settings.HOME_COUNTRY)
        for location in abroad.filter(risk_assessment__isnull=True):
            done_assessment(location, security)
    return activity


def through_security(activity: Activity, *, security: Any) -> Activity:
    """A submitted request taken up, its locations abroad assessed, and cleared by
    ``security``: now in the approval chain."""
    activity_transition(actor=security, activity=activity, name="start_review")
    assess_abroad(activity, security=security)
    activity_transition(actor=security, activity=activity, name="clear")
    activity.refresh_from_db()
    return activity


def fund_outside(activity: Activity, *, funder: Any, coordinator: Any, screener: Any) -> Activity:
    """Give an activity an outside contribution with everything the equal standard asks
    for (ADR 0019): a justification, the funder screened, each traveller selected by the
    agency. Requests funded only by the department need none of it."""
    from liaison.funding.services import (
        ContributionInput,
        ScreeningInput,
        SelectionInput,
        contribution_create,
        screening_record,
        selection_record,
    )

    if not activity.justification:
        Activity.objects.filter(pk=activity.pk).update(justification="Needed for the unit.")
        activity.refresh_from_db()
    contribution_create(
        actor=coordinator,
        activity=activity,
        data=ContributionInput(funder=funder, paid_for="transport", amount="1800.00"),
    )
    screening_record(
        actor=screener,
        activity=activity,
        data=ScreeningInput(funder=funder, determination="no_conflict"),
    )
    for participation in activity.participations.filter(employee__isnull=False):
        selection_record(
            actor=coordinator,
            participation=participation,
            data=SelectionInput(selected_by="agency", selector_name="Captain Ortiz, Training"),
        )
    return activity
