from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.activities.models import Location
from liaison.security.models import AdvisoryLevel, CountryRisk, RiskAssessment


def advisory(country: str, level: int, on: dt.date, indicators: str = "") -> AdvisoryLevel:
    """A register entry written straight to the database (service tests use the services)."""
    entry, _ = CountryRisk.objects.get_or_create(country=country)
    return AdvisoryLevel.objects.create(
        country_risk=entry,
        level=level,
        effective_date=on,
        indicators=indicators,
        source_name=f"U.S. Department of State travel advisory, {on.isoformat()}",
    )


def done_assessment(location: Location, assessor: Any, **values: Any) -> RiskAssessment:
    """A done assessment of ``location`` written straight to the database: for tests of
    other things (the approval guard, the permission table) that need one to exist."""
    defaults: dict[str, Any] = dict(
        activity=location.activity,
        location=location,
        country=location.country,
        city=location.city,
        decision="proceed",
        assessor=assessor,
        assessor_name_at_time=assessor.get_username(),
        assessed_at=timezone.now(),
    )
    defaults.update(values)
    return RiskAssessment.objects.create(**defaults)
