"""Reads of evaluation reports: the rules, my reports to file, a report's detail with its
substance flag, the overdue and due-soon lists, and the oversight counts (ADR 0017)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from liaison.accounts.access import (
    AGENCY_READERS,
    REFERENCE_EDITORS,
    in_scope,
    scope_for,
    scope_q,
)
from liaison.accounts.models import Agency
from liaison.activities.access import access_activity
from liaison.activities.models import Activity, Participation
from liaison.activities.workflow import Status
from liaison.reports.access import reports_visible_to
from liaison.reports.models import (
    EvaluationReport,
    Recommendation,
    ReportAuthor,
    ReportPolicy,
    ReportReview,
)
from liaison.reports.workflow import (
    CHECKLIST,
    OWED_STATUSES,
    TEXT_PARTS,
    ReportStatus,
    Shortfall,
    days_overdue,
    due_on_for,
    effective_due,
    insufficiency_sentence,
    is_due_soon,
    is_overdue,
    substance_shortfalls,
)

# Activities that went ahead: their participants owe a report once they end.
REPORTABLE_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED)


def policy_for(agency: Agency) -> ReportPolicy:
    """The agency's report rules, or the defaults (unsaved) when it has set none."""
    return ReportPolicy.objects.filter(agency=agency).first() or ReportPolicy(agency=agency)


def policy_for_agency_id(agency_id: int) -> ReportPolicy:
    return ReportPolicy.objects.filter(agency_id=agency_id).first() or ReportPolicy(
        agency_id=agency_id
    )


def policies_visible_to(user: Any) -> list[ReportPolicy]:
    scope = scope_for(user, *REFERENCE_EDITORS)
    agencies = Agency.objects.filter(scope_q(scope, "pk")).order_by("name")
    return [policy_for(a) for a in agencies]


def with_relations(qs: QuerySet[EvaluationReport]) -> QuerySet[EvaluationReport]:
    return qs.select_related("activity", "agency").prefetch_related(
        Prefetch(
            "authors",
            queryset=ReportAuthor.objects.select_related("participation__employee"),
        ),
        "topics",
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("position")),
    )


def shortfalls_of(report: EvaluationReport, policy: ReportPolicy | None = None) -> list[Shortfall]:
    """The report's shortfalls against its agency's minimums (prefetch-friendly)."""
    policy = policy or policy_for_agency_id(report.agency_id)
    return substance_shortfalls(
        texts={name: getattr(report, name) for name, _, _ in TEXT_PARTS},
        recommendations=len(report.recommendations.all()),
        topics=len(report.topics.all()),
        policy=policy,
    )


def decorate(
    report: EvaluationReport, *, today: dt.date, policy: ReportPolicy | None = None
) -> EvaluationReport:
    """Attach what pages and the API show beside the stored fields: the effective due
    date, overdue state, and the substance flag ("insufficient: missing …")."""
    policy = policy or policy_for_agency_id(report.agency_id)
    shortfalls = shortfalls_of(report, policy)
    report.shortfalls = shortfalls  # type: ignore[attr-defined]
    report.insufficient = insufficiency_sentence(shortfalls)  # type: ignore[attr-defined]
    report.due = effective_due(  # type: ignore[attr-defined]
        status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by
    )
    report.overdue = is_overdue(  # type: ignore[attr-defined]
        status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by, today=today
    )
    report.days_overdue = days_overdue(  # type: ignore[attr-defined]
        status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by, today=today
    )
    report.author_names = [  # type: ignore[attr-defined]
        author_name(a) for a in report.authors.all()
    ]
    return report


def author_name(author: ReportAuthor) -> str:
    p = author.participation
    return p.name_at_time or (p.employee.full_name if p.employee else str(p))


def report_detail(*, report: EvaluationReport, today: dt.date) -> EvaluationReport:
    report = with_relations(EvaluationReport.objects.filter(pk=report.pk)).get()
    report = decorate(report, today=today)
    reviews = list(ReportReview.objects.filter(report=report).order_by("reviewed_at", "id"))
    for review in reviews:
        review.items = [  # type: ignore[attr-defined]
            (label, bool((review.checklist or {}).get(key))) for key, label in CHECKLIST
        ]
    report.review_list = reviews  # type: ignore[attr-defined]
    report.history_rows = report_history(report=report)  # type: ignore[attr-defined]
    report.attachment_list = list(report.attachments.order_by("id"))  # type: ignore[attr-defined]
    return report


def report_history(*, report: EvaluationReport) -> list[dict[str, Any]]:
    """Every recorded step of the report, oldest first: when, who, and what (a status
    move, or the change reason the service gave)."""
    rows = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )
    out: list[dict[str, Any]] = []
    previous = None
    for row in rows:
        if previous is None:
            what = "Started" if row.origin == "entered" else "Imported from an earlier record"
        elif previous.status != row.status:
            what = f"{ReportStatus(previous.status).label} → {ReportStatus(row.status).label}"
            if row.history_change_reason and row.history_change_reason not in what:
                what += f": {row.history_change_reason}"
        else:
            what = "Content edited"
        user = row.history_user
        who = (user.get_full_name() or user.get_username()) if user is not None else "system"
        out.append({"when": row.history_date, "who": who, "what": what, "status": row.status})
        previous = row
    return out


@dataclass
class ReportFilters:
    status: str = ""
    activity_id: int | None = None
    q: str = ""


def report_list_activity(*, user: Any, activity_id: int | None) -> Activity | None:
    """The activity a report list is filtered to: the list of an activity the user may not
    see does not exist for them (``NotFound``, as the activity's own page), on the page,
    its file and the API alike. ``None`` when the list is not filtered to one."""
    if activity_id is None:
        return None
    return access_activity(user, activity_id)


def report_list(*, user: Any, filters: ReportFilters) -> QuerySet[EvaluationReport]:
    """Every report the user may read, filtered: the list page, its file,
    ``GET /api/v1/reports`` and ``/api/v1/exports/reports`` all read this."""
    report_list_activity(user=user, activity_id=filters.activity_id)
    qs = reports_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.activity_id is not None:
        qs = qs.filter(activity_id=filters.activity_id)
    return with_relations(qs).order_by("due_on", "id")


# --- my reports ------------------------------------------------------------------------


def my_reports(*, user: Any) -> QuerySet[EvaluationReport]:
    """The reports the user is an author of, newest due first."""
    if not getattr(user, "is_authenticated", False):
        return EvaluationReport.objects.none()
    return with_relations(
        EvaluationReport.objects.filter(authors__participation__employee__user_id=user.pk)
    ).order_by("-due_on", "-id")


def reports_to_start(*, user: Any, today: dt.date) -> list[Participation]:
    """The user's own participations in activities that went ahead and have ended, on no
    report yet: what they still have to file (with the due date on each)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        Participation.objects.filter(
            employee__user_id=user.pk,
            withdrawn_at__isnull=True,
            report_author__isnull=True,
            activity__status__in=REPORTABLE_STATUSES,
            activity__end_date__lt=today,
        )
        .select_related("activity")
        .order_by("activity__end_date", "id")
    )
    policies: dict[int, ReportPolicy] = {}
    for p in rows:
        agency_id = p.activity.agency_id
        policy = policies.setdefault(agency_id, policy_for_agency_id(agency_id))
        p.due = due_on_for(p.activity.end_date, policy.due_days)  # type: ignore[attr-defined]
        p.overdue = today > p.due  # type: ignore[attr-defined]
    return rows


def reportable_participations(activity: Activity) -> QuerySet[Participation]:
    """Participants of ``activity`` (employees, not withdrawn) on no report yet."""
    return (
        Participation.objects.filter(
            activity=activity,
            employee__isnull=False,
            withdrawn_at__isnull=True,
            report_author__isnull=True,
        )
        .select_related("employee")
        .order_by("id")
    )


# --- overdue and due soon ----------------------------------------------------------------


@dataclass
class Owed:
    """One report owed: a report in draft or returned, or a participant who has not
    started one (``report`` is ``None``)."""

    activity: Activity
    due: dt.date
    days_overdue: int
    names: list[str]
    units: list[str]
    status: str
    report: EvaluationReport | None = None
    participation: Participation | None = None
    overdue: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label if self.status else "Not started"


@dataclass
class TrackingFilters:
    which: str = "overdue"  # "overdue" or "due_soon"
    unit: str = ""
    approver_id: int | None = None
    agency_id: int | None = None


def _tracked_agencies(user: Any, agency_id: int | None) -> list[int]:
    scope = scope_for(user, *AGENCY_READERS)
    qs = Agency.objects.filter(scope_q(scope, "pk"))
    if agency_id is not None:
        qs = qs.filter(pk=agency_id)
    return list(qs.values_list("pk", flat=True))


def owed_reports(*, user: Any, filters: TrackingFilters, today: dt.date) -> list[Owed]:
    """The overdue (or due-soon) list: reports still owed in the agencies the user reads,
    and participants who have not started theirs, filtered by the participant's unit (as
    recorded on the activity) or by who approved the activity. Most overdue first."""
    result: list[Owed] = []
    for agency_id in _tracked_agencies(user, filters.agency_id):
        policy = policy_for_agency_id(agency_id)
        result += _owed_in_agency(agency_id, policy, filters, today)
    result.sort(key=lambda o: (o.due, o.activity.pk))
    return result


def _approver_q(prefix: str, approver_id: int) -> Q:
    return Q(
        **{
            f"{prefix}approval_steps__decided_by_id": approver_id,
            f"{prefix}approval_steps__state": "approved",
        }
    )


def _owed_in_agency(
    agency_id: int, policy: ReportPolicy, filters: TrackingFilters, today: dt.date
) -> list[Owed]:
    horizon = today + dt.timedelta(days=policy.due_soon_days)
    reports = EvaluationReport.objects.filter(agency_id=agency_id, status__in=OWED_STATUSES)
    if filters.unit:
        reports = reports.filter(authors__participation__unit_at_time=filters.unit)
    if filters.approver_id:
        reports = reports.filter(
            activity__in=Activity.objects.filter(_approver_q("", filters.approver_id))
        )
    out: list[Owed] = []
    for report in with_relations(reports.distinct()):
        due = effective_due(
            status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by
        )
        late = is_overdue(
            status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by, today=today
        )
        soon = is_due_soon(
            status=report.status, due_on=report.due_on, resubmit_by=report.resubmit_by,
            today=today, window=policy.due_soon_days,
        )  # fmt: skip
        if (filters.which == "overdue" and late) or (filters.which == "due_soon" and soon):
            authors = list(report.authors.all())
            out.append(
                Owed(
                    activity=report.activity,
                    due=due,
                    days_overdue=(today - due).days if late else 0,
                    names=[author_name(a) for a in authors],
                    units=sorted({a.participation.unit_at_time for a in authors} - {""}),
                    status=report.status,
                    report=report,
                    overdue=late,
                )
            )
    # Participants with no report: due ``due_days`` after the end.
    latest_end = (
        today - dt.timedelta(days=policy.due_days + 1)
        if filters.which == "overdue"
        else horizon - dt.timedelta(days=policy.due_days)
    )
    parts = Participation.objects.filter(
        activity__agency_id=agency_id,
        activity__status__in=REPORTABLE_STATUSES,
        employee__isnull=False,
        withdrawn_at__isnull=True,
        report_author__isnull=True,
        activity__end_date__lte=latest_end,
    )
    if filters.which == "due_soon":
        parts = parts.filter(activity__end_date__gte=today - dt.timedelta(days=policy.due_days))
    if filters.unit:
        parts = parts.filter(unit_at_time=filters.unit)
    if filters.approver_id:
        parts = parts.filter(_approver_q("activity__", filters.approver_id))
    for p in parts.select_related("activity", "employee").distinct():
        due = due_on_for(p.activity.end_date, policy.due_days)
        late = today > due
        out.append(
            Owed(
                activity=p.activity,
                due=due,
                days_overdue=(today - due).days if late else 0,
                names=[p.name_at_time or (p.employee.full_name if p.employee else "")],
                units=[p.unit_at_time] if p.unit_at_time else [],
                status="",
                participation=p,
                overdue=late,
            )
        )
    return out


def tracking_choices(user: Any) -> tuple[list[str], list[tuple[int, str]]]:
    """The units and approvers the overdue list may be filtered by (the user's agencies)."""
    agencies = _tracked_agencies(user, None)
    units = sorted(
        set(
            Participation.objects.filter(activity__agency_id__in=agencies, employee__isnull=False)
            .exclude(unit_at_time="")
            .values_list("unit_at_time", flat=True)
            .distinct()[:500]
        )
    )
    approvers = sorted(
        {
            (uid, name)
            for uid, name in Activity.objects.filter(
                agency_id__in=agencies,
                approval_steps__state="approved",
                approval_steps__decided_by__isnull=False,
            )
            .values_list("approval_steps__decided_by_id", "approval_steps__decided_by_name")
            .distinct()[:500]
        },
        key=lambda pair: pair[1],
    )
    return units, approvers


# --- oversight -----------------------------------------------------------------------------


@dataclass
class ReportCounts:
    """The counts the oversight page shows about evaluation reports."""

    overdue: int
    due_soon: int
    submitted_awaiting_review: int
    returned: int
    acknowledged: int
    insufficient: int


def report_counts(*, user: Any, today: dt.date, agency_id: int | None = None) -> ReportCounts:
    """Counts over the agencies whose oversight the user reads (``scope``: the oversight
    readers' agencies). Overdue and due-soon count participants not started too."""
    from liaison.accounts.access import OVERSIGHT_READERS

    scope = scope_for(user, *OVERSIGHT_READERS)
    agencies = [
        a for a in Agency.objects.filter(scope_q(scope, "pk")).values_list("pk", flat=True)
        if agency_id is None or a == agency_id
    ]  # fmt: skip
    overdue = due_soon = insufficient = 0
    for a in agencies:
        policy = policy_for_agency_id(a)
        overdue += len(_owed_in_agency(a, policy, TrackingFilters("overdue"), today))
        due_soon += len(_owed_in_agency(a, policy, TrackingFilters("due_soon"), today))
        for report in with_relations(
            EvaluationReport.objects.filter(agency_id=a).exclude(status=ReportStatus.DRAFT)
        ):
            if shortfalls_of(report, policy):
                insufficient += 1
    reports = EvaluationReport.objects.filter(agency_id__in=agencies)
    return ReportCounts(
        overdue=overdue,
        due_soon=due_soon,
        submitted_awaiting_review=reports.filter(status=ReportStatus.SUBMITTED).count(),
        returned=reports.filter(status=ReportStatus.RETURNED).count(),
        acknowledged=reports.filter(status=ReportStatus.ACKNOWLEDGED).count(),
        insufficient=insufficient,
    )


def in_agency_scope(user: Any, agency_id: int) -> bool:
    return in_scope(scope_for(user, *AGENCY_READERS), agency_id)


# --- search ---------------------------------------------------------------------------------


@dataclass
class SearchResult:
    report: EvaluationReport
    rank: float
    snippet: Any
    recommendations: list[Recommendation]


def search_results(*, user: Any, query: str) -> list[SearchResult]:
    """Reports the user may see whose text or recommendations match ``query``, most
    relevant first, each with a highlighted excerpt and the recommendations that match
    (by word, for showing; the ranking is the database's)."""
    from liaison.activities.search import search_words
    from liaison.reports.search import report_hits

    hits = report_hits(reports_visible_to(user), query)
    if not hits:
        return []
    by_id = {
        r.pk: r
        for r in with_relations(EvaluationReport.objects.filter(pk__in=[h.report_id for h in hits]))
    }
    stems = [w.lower()[:5] for w in search_words(query) if len(w) > 2]
    results = []
    for hit in hits:
        report = by_id.get(hit.report_id)
        if report is None:
            continue
        recs = [
            r for r in report.recommendations.all()
            if stems and any(s in r.text.lower() for s in stems)
        ]  # fmt: skip
        results.append(SearchResult(report, hit.rank, hit.snippet, recs))
    return results


def report_for(*, user: Any, report: EvaluationReport, today: dt.date) -> EvaluationReport:
    """``report_detail`` plus what depends on who asks: the contacts they may see (the
    register is restricted data) and the moves they may make now."""
    from liaison.reports.access import is_author, is_supervisor
    from liaison.reports.workflow import transitions_from
    from liaison.vetting.access import may_read_restricted

    report = report_detail(report=report, today=today)
    readable = may_read_restricted(user, report.agency_id)
    report.visible_contact_ids = (  # type: ignore[attr-defined]
        sorted(report.contacts.values_list("pk", flat=True)) if readable else []
    )
    author = is_author(user, report)
    supervisor = is_supervisor(user, report.agency_id) and not author
    report.allowed_transitions = [  # type: ignore[attr-defined]
        t.name
        for t in transitions_from(report.status)
        if (t.who == "author" and author) or (t.who == "supervisor" and supervisor)
    ]
    return report
