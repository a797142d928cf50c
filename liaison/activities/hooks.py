"""What the activities services tell the apps above them, without importing them.

Apps above activities (security today) must act *inside* an activity write, in the same
transaction: a risk assessment made for an itinerary no longer counts once that itinerary
changes. Activities may not import those apps (import-linter's layers), so an app
registers its function here once, in its ``AppConfig.ready``, and ``activity_update``
calls every registered function explicitly, after it has written the change. This is a
plain list of callables, not a Django signal: the call site is one line in the service,
the order is fixed, an error rolls the whole edit back, and
``liaison/security/tests/test_reopen.py`` fails if the security app's function is not
registered (docs/adr/0015-country-risk-and-risk-assessments.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Itinerary:
    """Where and when an activity takes place: what a risk assessment was made for."""

    start_date: dt.date
    end_date: dt.date
    places: tuple[tuple[str, str], ...]  # (country code, city), in itinerary order

    def changes_from(self, before: Itinerary) -> list[str]:
        """What changed, in words a reader sees in the assessment's history."""
        changes: list[str] = []
        if (before.start_date, before.end_date) != (self.start_date, self.end_date):
            changes.append(
                f"dates moved from {before.start_date.isoformat()}–{before.end_date.isoformat()}"
                f" to {self.start_date.isoformat()}–{self.end_date.isoformat()}"
            )
        added = [p for p in self.places if p not in before.places]
        removed = [p for p in before.places if p not in self.places]
        if added:
            changes.append("added " + "; ".join(_place(p) for p in added))
        if removed:
            changes.append("removed " + "; ".join(_place(p) for p in removed))
        return changes


def _place(place: tuple[str, str]) -> str:
    country, city = place
    return f"{city}, {country}" if city else country


def itinerary_of(activity: Any) -> Itinerary:
    return Itinerary(
        start_date=activity.start_date,
        end_date=activity.end_date,
        places=tuple(
            (str(country), city)
            for country, city in activity.locations.order_by("position", "id").values_list(
                "country", "city"
            )
        ),
    )


# (actor, activity, changes) → None. Registered by apps above activities.
ItineraryHook = Callable[..., object]
_ITINERARY_HOOKS: list[ItineraryHook] = []


def register_itinerary_hook(hook: ItineraryHook) -> None:
    if hook not in _ITINERARY_HOOKS:
        _ITINERARY_HOOKS.append(hook)


def itinerary_hooks() -> tuple[ItineraryHook, ...]:
    return tuple(_ITINERARY_HOOKS)


def itinerary_changed(*, actor: Any, activity: Any, changes: list[str]) -> None:
    """Tell every registered app that ``activity``'s itinerary changed (``changes`` says
    how). Called by ``activity_update`` inside its transaction."""
    for hook in _ITINERARY_HOOKS:
        hook(actor=actor, activity=activity, changes=changes)
