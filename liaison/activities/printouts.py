"""An activity as a printable PDF (issue 9, ADR 0025): what the activities app knows —
its details, provenance, purpose, locations, participants (with rank, unit and agency as
recorded on the activity) and, for those who may read it on the page, its change
history.

It leaves out what the apps above this one hold (approvals, risk assessments, funding,
contacts and vetting, evaluation reports, outcomes): this app may not import them, and
each is read, under its own rule, on its own page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from liaison.activities import selectors
from liaison.activities.access import can_view_history
from liaison.activities.models import Activity
from liaison.core.printing import pdf_response


def activity_pdf_response(request: HttpRequest, activity: Activity) -> HttpResponse:
    """``activity`` has been read through ``access_activity`` by the caller."""
    activity = selectors.activity_detail(activity=activity)
    history = (
        selectors.activity_history(activity=activity)
        if can_view_history(request.user, activity)
        else None
    )
    return pdf_response(
        request,
        "activities/print/activity.html",
        {
            "title": activity.title,
            "activity": activity,
            "participations": list(activity.participations.all()),
            "history": history,
        },
        filename=f"activity-{activity.pk}.pdf",
    )
