"""The equal standard (ADR 0019): what an outside-funded activity must have on record
before it may be approved, as rules the activity workflow's guards read.

The activity workflow (``liaison/activities/workflow.py``) sits below this app and may not
import it: its guards reach these functions through a related manager
(``activity.contributions.model.problems_for(activity)``), as ``trainees_vetted`` reaches
the vetting app. Everything here reads through the activity instance, so this module
imports no model either.

"On record", for an activity with any outside contribution (a funder other than the
department's budget):

- ``justified``: a written justification, as a department-funded request is expected to
  carry (the IG found outside-paid trips carried none);
- ``screened``: every outside funder screened for conflicts of interest for this activity,
  and none determined "decline";
- ``sources``: every pass-through funder names at least one of its own sources;
- ``anonymous``: no anonymous funder, unless a named official overrode it with a reason;
- ``selection``: every employee travelling has a recorded selection, made by the agency
  (not the funder), and not by the agency head selecting themself.

A department-funded activity (no contributions, or only the department's budget) meets
all of these trivially: the rules only ever add to the record outside money needs.
"""

from __future__ import annotations

from typing import Any

# The activity workflow's ``funding_on_record`` guard reads this key: any of the first three.
RECORD = "record"

PROBLEMS: dict[str, str] = {
    "justified": "An outside-funded activity needs a written justification, as a "
    "department-funded one does.",
    "screened": "Every outside funder needs a conflict-of-interest screening for this "
    "activity, and none may be determined “decline”.",
    "sources": "Every pass-through funder must name its own sources.",
    "anonymous": "Anonymous funding blocks approval unless a named official overrides it "
    "with a reason.",
    "selection": "Record who selected each traveller: the agency, not the funder, selects "
    "who travels, and the agency head may not select themself.",
}


def _outside(activity: Any) -> Any:
    return activity.contributions.exclude(funder__funder_type="department")


def is_outside_funded(activity: Any) -> bool:
    return bool(_outside(activity).exists())


def funding_problems(activity: Any) -> list[str]:
    """The keys of ``PROBLEMS`` this activity fails, plus ``RECORD`` when it fails any of
    justified/screened/sources (empty: it may be approved as far as its funding goes).
    A handful of queries, each through the instance."""
    outside = _outside(activity)
    if not outside.exists():
        return []
    problems: list[str] = []
    if not (activity.justification or "").strip():
        problems.append("justified")
    funder_ids = set(outside.values_list("funder_id", flat=True))
    screened = activity.conflict_screenings.filter(funder_id__in=funder_ids).exclude(
        determination="decline"
    )
    if set(screened.values_list("funder_id", flat=True)) != funder_ids:
        problems.append("screened")
    if (
        outside.filter(funder__pass_through=True, funder__sources__isnull=True)
        .values("funder_id")
        .exists()
    ):
        problems.append("sources")
    if problems:
        problems.append(RECORD)
    if outside.filter(funder__funder_type="anonymous").exists() and not _overridden(activity):
        problems.append("anonymous")
    if not _selections_acceptable(activity):
        problems.append("selection")
    return problems


def _overridden(activity: Any) -> bool:
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default.
    return getattr(activity, "anonymous_override", None) is not None


def _selections_acceptable(activity: Any) -> bool:
    travellers = activity.participations.filter(employee__isnull=False, withdrawn_at__isnull=True)
    total = travellers.count()
    good = 0
    for participation in travellers.select_related("selection"):
        selection = getattr(participation, "selection", None)
        if selection is not None and selection.acceptable:
            good += 1
    return good == total
