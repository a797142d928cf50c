"""The activity export as it was written before ADR 0027: from ``Activity`` instances
with their relations prefetched. Kept only as the oracle of
``test_export_values.py``: the values-based export must write the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db.models import Prefetch, QuerySet

from liaison.activities.models import NOT_ON_RECORD_STEPS, Activity, Location, Participation
from liaison.approvals.models import DECIDED_STATES, ApprovalStep
from liaison.core import tabular
from liaison.exchange.spec import ACTIVITIES, AUTHOR_SEPARATOR, FIELD_SEPARATOR, LIAISON_SYSTEM
from liaison.funding.models import Contribution
from liaison.reports.models import EvaluationReport, ReportAuthor


def export_queryset(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """``qs`` with everything the exchange format writes, in a fixed number of queries
    per chunk and in the order the format writes lists."""
    participant = Participation.objects.select_related("employee")
    return qs.select_related(
        "agency", "category", "host_organisation", "organiser_organisation", "import_record"
    ).prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("position", "id")),
        Prefetch("topics"),
        Prefetch("participations", queryset=participant.order_by("id")),
        Prefetch(
            "contributions",
            queryset=Contribution.objects.select_related(
                "funder", "participation__employee"
            ).order_by("id"),
        ),
        Prefetch(
            "approval_steps",
            queryset=ApprovalStep.objects.filter(state__in=DECIDED_STATES).order_by(
                "round", "position", "id"
            ),
        ),
        Prefetch(
            "evaluation_reports",
            queryset=EvaluationReport.objects.order_by("id").prefetch_related(
                Prefetch(
                    "authors",
                    queryset=ReportAuthor.objects.select_related(
                        "participation__employee"
                    ).order_by("participation_id"),
                )
            ),
        ),
    )


def record_of(activity: Activity) -> Any:
    """The activity's ``ImportedRecord``, or ``None`` for one entered here."""
    try:
        return activity.import_record  # type: ignore[attr-defined]
    except Exception:  # RelatedObjectDoesNotExist: entered here, not imported
        return None


def source_system(activity: Activity) -> str:
    record = record_of(activity)
    if record is not None:
        return str(record.source_system)
    return LIAISON_SYSTEM.format(ori=activity.agency.ori_code)


def source_id(activity: Activity) -> str:
    record = record_of(activity)
    return str(record.source_id) if record is not None else str(activity.pk)


def join_fields(values: list[Any]) -> str:
    return FIELD_SEPARATOR.join(tabular.text_cell(v) for v in values).rstrip(" |")


def _org(org: Any) -> str:
    return str(org) if org is not None else ""


def _locations(a: Activity) -> list[str]:
    return [
        f"{loc.country}:{loc.city}" if loc.city else str(loc.country) for loc in a.locations.all()
    ]


def _participants(a: Activity) -> list[str]:
    items = []
    for p in a.participations.all():
        serial = p.employee.serial_number if p.employee is not None else ""
        items.append(
            join_fields(
                [serial, p.name_at_time, p.rank_at_time, p.unit_at_time, p.agency_at_time, p.role]
            )
        )
    return items


def participant_label(p: Any) -> str:
    """How a funding item names the participant it paid for: serial, else name."""
    if p is None:
        return ""
    return p.employee.serial_number if p.employee is not None else p.name_at_time


def _funding(a: Activity) -> list[str]:
    items = []
    for c in a.contributions.all():  # type: ignore[attr-defined]
        items.append(
            join_fields(
                [
                    c.funder.name,
                    c.funder.funder_type,
                    c.paid_for,
                    c.amount,
                    c.currency,
                    c.usd_rate.normalize() if c.usd_rate is not None else None,
                    c.rate_date,
                    c.paid_on,
                    c.grant_identifier,
                    c.description,
                    c.valuation_method,
                    participant_label(c.participation),
                ]
            )
        )
    return items


def _approvals(a: Activity) -> list[str]:
    items = []
    for s in a.approval_steps.all():  # type: ignore[attr-defined]
        if s.state not in DECIDED_STATES:
            continue
        items.append(
            join_fields(
                [
                    s.kind,
                    s.role,
                    s.state,
                    s.decided_at,
                    s.decided_by_name,
                    s.decided_by_rank,
                    s.reason,
                    s.conditions,
                ]
            )
        )
    return items


def _reports(a: Activity) -> list[str]:
    items = []
    for r in a.evaluation_reports.all():  # type: ignore[attr-defined]
        submitted = r.submitted_at.astimezone(dt.UTC).date() if r.submitted_at else None
        authors = AUTHOR_SEPARATOR.join(
            participant_label(author.participation) for author in r.authors.all()
        )
        items.append(join_fields([r.status, submitted, authors]))
    return items


def _steps_key(a: Activity) -> list[str]:
    return [str(k) for k in NOT_ON_RECORD_STEPS if k in (a.not_on_record or [])]


VALUES: dict[str, Any] = {
    "source_system": source_system,
    "source_id": source_id,
    "title": lambda a: a.title,
    "direction": lambda a: a.direction,
    "kind": lambda a: a.kind,
    "category": lambda a: a.category.slug,
    "topics": lambda a: [t.name for t in a.topics.all()],
    "purpose": lambda a: a.purpose,
    "justification": lambda a: a.justification,
    "start_date": lambda a: a.start_date,
    "end_date": lambda a: a.end_date,
    "estimated_cost": lambda a: a.estimated_cost,
    "status": lambda a: a.status,
    "host_organisation": lambda a: _org(a.host_organisation),
    "organiser_organisation": lambda a: _org(a.organiser_organisation),
    "locations": _locations,
    "participants": _participants,
    "funding": _funding,
    "approvals": _approvals,
    "reports": _reports,
    "recorded_at": lambda a: a.recorded_at,
    "not_on_record": _steps_key,
}


def legacy_values(activity: Activity) -> list[Any]:
    return [VALUES[header](activity) for header in ACTIVITIES.headers]


def legacy_csv(qs: QuerySet[Activity]) -> str:
    """``qs`` written as the export wrote it before ADR 0027."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACTIVITIES.headers)
    for activity in export_queryset(qs).iterator(chunk_size=2000):
        writer.writerow([tabular.text_cell(v) for v in legacy_values(activity)])
    return out.getvalue()
