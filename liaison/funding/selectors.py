"""Reads for funding: an activity's funding record, the Form 801 posting schedule, the
1353 semiannual report's rows, and the money views (ADR 0019). Pages, the API and the
exports (PDF, XLSX) all read through these, so they give the same figures.

Rules, stated once:

- **Outside money** is any contribution whose funder is not the department's budget.
- **Form 801 posting**: a payment is due to be posted on the agency's website within
  30 days after the end of the calendar quarter in which it was used (the activity's
  last day), when the funder's outside payments used in that quarter total $2,500 or more
  (FPPC Regulation 18944's quarterly threshold); below that it is kept on file, not posted.
- **1353 rows**: payments from *non-federal* sources (not the department, not a federal
  grant) for an event that ended in the half-year, over $250 per funder and event; a
  period without any is a negative report.
- **Gaps**: an activity without a single contribution has *no funding on record*; the
  money views count it apart and never as $0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django_countries import countries

from liaison.activities.models import Activity, Location
from liaison.core.pagination import Page
from liaison.funding.models import (
    FEDERAL_TYPES,
    INSIDE_TYPES,
    AnonymousOverride,
    ConflictScreening,
    Contribution,
    Form801,
    Funder,
    FunderType,
    PaidFor,
    SemiannualReport,
    TravellerSelection,
)
from liaison.funding.workflow import PROBLEMS, RECORD, funding_problems, is_outside_funded

POSTING_THRESHOLD = Decimal("2500")
POSTING_DAYS = 30
REPORT_1353_THRESHOLD = Decimal("250")
ZERO = Decimal("0")


# --- periods ------------------------------------------------------------------------------


def quarter_end(day: dt.date) -> dt.date:
    month = ((day.month - 1) // 3 + 1) * 3
    nxt = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def posting_deadline(used_on: dt.date) -> dt.date:
    return quarter_end(used_on) + dt.timedelta(days=POSTING_DAYS)


def period_bounds(period_start: dt.date) -> tuple[dt.date, dt.date]:
    """The 1353 half-year starting on ``period_start``: 1 April–30 September or
    1 October–31 March. ``ValueError`` for any other start."""
    if period_start.day != 1 or period_start.month not in (4, 10):
        raise ValueError("A 1353 period starts on 1 April or 1 October.")
    if period_start.month == 4:
        return period_start, dt.date(period_start.year, 9, 30)
    return period_start, dt.date(period_start.year + 1, 3, 31)


def period_due(period_start: dt.date) -> dt.date:
    """April–September is due 30 November; October–March, 31 May."""
    start, end = period_bounds(period_start)
    return dt.date(end.year, 11, 30) if start.month == 4 else dt.date(end.year, 5, 31)


def period_containing(day: dt.date) -> dt.date:
    if 4 <= day.month <= 9:
        return dt.date(day.year, 4, 1)
    return dt.date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def periods_ended_by(today: dt.date, *, since: dt.date) -> list[dt.date]:
    """Every 1353 period that started on or after ``since`` and ended before ``today``,
    newest first."""
    starts: list[dt.date] = []
    start = period_containing(since)
    while True:
        _, end = period_bounds(start)
        if end >= today:
            break
        if start >= period_containing(since):
            starts.append(start)
        start = dt.date(start.year, 10, 1) if start.month == 4 else dt.date(start.year + 1, 4, 1)
    return list(reversed(starts))


# --- an activity's funding ----------------------------------------------------------------


@dataclass
class ActivityFunding:
    activity: Activity
    contributions: list[Contribution]
    screenings: list[ConflictScreening]
    selections: list[TravellerSelection]
    travellers: list[tuple[Any, TravellerSelection | None]]  # (participation, selection)
    override: AnonymousOverride | None
    problems: list[str]
    outside_funded: bool
    total_usd: Decimal | None
    outside_usd: Decimal
    unscreened: list[Funder] = field(default_factory=list)

    @property
    def on_record(self) -> bool:
        return bool(self.contributions)

    @property
    def problem_texts(self) -> list[str]:
        return [PROBLEMS[key] for key in self.problems if key != RECORD]

    @property
    def has_anonymous(self) -> bool:
        return any(c.funder.funder_type == FunderType.ANONYMOUS for c in self.contributions)


def activity_funding(activity: Activity) -> ActivityFunding:
    contributions = list(
        Contribution.objects.filter(activity=activity)
        .select_related("funder", "participation", "form_801")
        .order_by("id")
    )
    screenings = list(ConflictScreening.objects.filter(activity=activity).select_related("funder"))
    travellers = list(
        activity.participations.filter(employee__isnull=False, withdrawn_at__isnull=True)
        .select_related("employee")
        .order_by("id")
    )
    selections = list(
        TravellerSelection.objects.filter(participation__activity=activity).select_related(
            "participation", "selector_employee"
        )
    )
    by_participation = {s.participation_id: s for s in selections}
    outside = [c for c in contributions if c.funder.is_outside]
    screened = {s.funder_id for s in screenings}
    unscreened = list(
        {c.funder_id: c.funder for c in outside if c.funder_id not in screened}.values()
    )
    return ActivityFunding(
        activity=activity,
        contributions=contributions,
        screenings=screenings,
        selections=selections,
        travellers=[(t, by_participation.get(t.pk)) for t in travellers],
        override=AnonymousOverride.objects.filter(activity=activity).first(),
        problems=funding_problems(activity),
        outside_funded=is_outside_funded(activity),
        total_usd=sum((c.usd_amount for c in contributions), ZERO) if contributions else None,
        outside_usd=sum((c.usd_amount for c in outside), ZERO),
        unscreened=unscreened,
    )


# --- Form 801 -----------------------------------------------------------------------------


@dataclass
class PostingRow:
    contribution: Contribution
    form: Form801 | None
    used_on: dt.date
    quarter_total_usd: Decimal
    required: bool
    deadline: dt.date
    state: str  # posted, posted_late, due, overdue, not_required, missing
    text: str


STATE_TEXTS = {
    "posted": "Posted on time",
    "posted_late": "Posted late",
    "due": "Due",
    "overdue": "Overdue: not posted by the deadline",
    "not_required": "Under $2,500 from this funder in the quarter: kept on file, not posted",
    "missing": "No Form 801 recorded",
}


def posting_rows(contributions: QuerySet[Contribution], *, today: dt.date) -> list[PostingRow]:
    """Each outside payment with its Form 801 state: whether posting is required (the
    funder's quarter total), the deadline, and whether it was met."""
    rows = list(
        contributions.exclude(funder__funder_type__in=list(INSIDE_TYPES))
        .select_related("funder", "activity", "form_801")
        .order_by("activity__end_date", "id")
    )
    totals: dict[tuple[int, int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    for c in rows:
        totals[(c.agency_id, c.funder_id, quarter_end(c.activity.end_date))] += c.usd_amount
    result = []
    for c in rows:
        used_on = c.activity.end_date
        total = totals[(c.agency_id, c.funder_id, quarter_end(used_on))]
        required = total >= POSTING_THRESHOLD
        deadline = posting_deadline(used_on)
        form = getattr(c, "form_801", None)
        if form is None and required:
            state = "missing" if today <= deadline else "overdue"
        elif form is None or not required:
            state = "not_required" if not required else "missing"
        elif form.posted_on is not None:
            state = "posted" if form.posted_on <= deadline else "posted_late"
        else:
            state = "due" if today <= deadline else "overdue"
        result.append(
            PostingRow(c, form, used_on, total, required, deadline, state, STATE_TEXTS[state])
        )
    return result


def form801_fields(form: Form801) -> dict[str, Any]:
    """What the printed Form 801 shows, in the form's order (the PDF and the tests read
    this one dict)."""
    c = form.contribution
    activity = c.activity
    funder = c.funder
    sources = ", ".join(s.source.name for s in funder.sources.select_related("source")) or (
        "—" if not funder.pass_through else "Not named"
    )
    travellers = [
        p
        for p in activity.participations.filter(
            employee__isnull=False, withdrawn_at__isnull=True
        ).select_related("employee", "selection")
    ]
    if c.participation_id:
        travellers = [p for p in travellers if p.pk == c.participation_id]
    selections = []
    for p in travellers:
        sel = getattr(p, "selection", None)
        selections.append(
            f"{p.name_at_time or p.employee}: "
            + (
                f"selected by {sel.selector_name} ({sel.get_selected_by_display().lower()})"
                if sel
                else "selection not recorded"
            )
        )
    locations = "; ".join(
        f"{loc.city}, {countries.name(loc.country)}" if loc.city else countries.name(loc.country)
        for loc in activity.locations.all()
    )
    amounts = {choice: ZERO for choice in PaidFor.values}
    amounts[c.paid_for] = c.usd_amount
    other = amounts["registration"] + amounts["other"] + amounts["in_kind"]
    return {
        "Agency": str(form.agency),
        "Donor name": funder.name,
        "Donor address": funder.address or "Not given",
        "Donor's nature of business": funder.nature_of_business or "Not given",
        "Donor type": funder.get_funder_type_display(),
        "Pass-through donor's sources": sources,
        "Activity": activity.title,
        "Travel dates": f"{activity.start_date} to {activity.end_date}",
        "Location": locations or "Not given",
        "Transportation (USD)": f"{amounts['transport']:.2f}",
        "Lodging (USD)": f"{amounts['lodging']:.2f}",
        "Meals (USD)": f"{amounts['meals']:.2f}",
        "Other expenses (USD)": f"{other:.2f}",
        "Amount paid": f"{c.amount:.2f} {c.currency}",
        "Amount (USD)": f"{c.usd_amount:.2f}",
        "In-kind valuation": c.valuation_method or "—",
        "Payment date": str(c.paid_on or "Not recorded"),
        "Description of official use": form.official_use,
        "Officials who used the payment": "; ".join(
            str(p.name_at_time or p.employee) for p in travellers
        )
        or "None recorded",
        "Who selected the travellers": "; ".join(selections) or "None recorded",
        "Agency head verification": (
            f"{form.verified_by_name}, {form.verified_on}" if form.verified_on else "Not verified"
        ),
        "Posting deadline": str(posting_deadline(activity.end_date)),
        "Posted on": str(form.posted_on or "Not posted"),
    }


# --- the 1353 report ----------------------------------------------------------------------

COLUMNS_1353 = (
    "Name of employee",
    "Position/title",
    "Event (description)",
    "Sponsor (non-federal source)",
    "Location",
    "Date(s) of travel",
    "Nature of benefit (in kind / check)",
    "Description of benefit",
    "Amount (USD)",
    "Conflict of interest determination",
)


@dataclass
class Row1353:
    activity: Activity
    funder: Funder
    employees: str
    positions: str
    location: str
    benefit: str
    nature: str
    total_usd: Decimal
    determination: str

    def cells(self) -> list[Any]:
        a = self.activity
        return [
            self.employees,
            self.positions,
            a.title,
            self.funder.name,
            self.location,
            f"{a.start_date} – {a.end_date}",
            self.nature,
            self.benefit,
            self.total_usd,
            self.determination,
        ]


def report_1353(*, agency: Any, period_start: dt.date) -> list[Row1353]:
    """The rows of the 1353 report for the half-year: one per non-federal funder and
    event ended in the period, over $250 in all (empty: a negative report)."""
    start, end = period_bounds(period_start)
    contributions = (
        Contribution.objects.filter(
            agency=agency, activity__end_date__gte=start, activity__end_date__lte=end
        )
        .exclude(funder__funder_type__in=list(FEDERAL_TYPES))
        .select_related("activity", "funder")
        .order_by("activity__start_date", "activity_id", "funder__name")
    )
    grouped: dict[tuple[int, int], list[Contribution]] = defaultdict(list)
    for c in contributions:
        grouped[(c.activity_id, c.funder_id)].append(c)
    screenings = {
        (s.activity_id, s.funder_id): s.get_determination_display()
        for s in ConflictScreening.objects.filter(
            agency=agency, activity_id__in={k[0] for k in grouped}
        )
    }
    rows = []
    for (activity_id, funder_id), items in grouped.items():
        total = sum((c.usd_amount for c in items), ZERO)
        if total <= REPORT_1353_THRESHOLD:
            continue
        activity = items[0].activity
        travellers = list(
            activity.participations.filter(employee__isnull=False, withdrawn_at__isnull=True)
        )
        kinds = sorted({c.get_paid_for_display() for c in items})
        rows.append(
            Row1353(
                activity=activity,
                funder=items[0].funder,
                employees="; ".join(p.name_at_time for p in travellers) or "Not recorded",
                positions="; ".join(p.rank_at_time or "—" for p in travellers) or "—",
                location="; ".join(
                    f"{loc.city}, {loc.country}" for loc in activity.locations.all()
                ),
                benefit=", ".join(kinds),
                nature="In kind"
                if all(c.paid_for == PaidFor.IN_KIND for c in items)
                else "Check or payment"
                if all(c.paid_for != PaidFor.IN_KIND for c in items)
                else "Check and in kind",
                total_usd=total,
                determination=screenings.get((activity_id, funder_id), "Not screened"),
            )
        )
    return rows


@dataclass
class PeriodRow:
    period_start: dt.date
    period_end: dt.date
    due: dt.date
    report: SemiannualReport | None
    state: str  # filed, filed_late, due, overdue

    @property
    def text(self) -> str:
        return {
            "filed": "Filed on time",
            "filed_late": "Filed late",
            "due": "Due",
            "overdue": "Overdue: not filed",
        }[self.state]


def semiannual_periods(*, agency_ids: Any, today: dt.date, since: dt.date) -> list[PeriodRow]:
    """Every ended 1353 period since ``since`` with its filing state (for each agency the
    reader sees: ``agency_ids`` a queryset or list)."""
    filed = {r.period_start: r for r in SemiannualReport.objects.filter(agency_id__in=agency_ids)}
    rows = []
    for start in periods_ended_by(today, since=since):
        _, end = period_bounds(start)
        due = period_due(start)
        report = filed.get(start)
        if report is not None:
            state = "filed" if report.filed_on <= due else "filed_late"
        else:
            state = "due" if today <= due else "overdue"
        rows.append(PeriodRow(start, end, due, report, state))
    return rows


# --- money views --------------------------------------------------------------------------


@dataclass
class MoneySummary:
    activities: int
    with_funding: int
    without_funding: int
    outside_funded: int
    total_usd: Decimal
    outside_usd: Decimal
    by_country: list[dict[str, Any]]
    by_year: list[dict[str, Any]]
    by_funder_type: list[dict[str, Any]]
    missing_disclosure: list[Activity]

    @property
    def outside_share(self) -> float | None:
        """Share of activities known to be paid (at least partly) by outside sources, out
        of all activities counted (the IG's measure: a gap is not outside money)."""
        return self.outside_funded / self.activities if self.activities else None

    @property
    def outside_usd_share(self) -> float | None:
        return float(self.outside_usd / self.total_usd) if self.total_usd else None


def money_summary(activities: QuerySet[Activity]) -> MoneySummary:
    """Cost by country, year and funder type over ``activities`` (already scoped to the
    reader): USD amounts as recorded. An activity in two countries counts in both
    countries' rows (the table says what trips to a country cost, not a partition)."""
    ids = list(activities.values_list("pk", flat=True))
    contributions = Contribution.objects.filter(activity_id__in=ids)
    per_activity = {
        row["activity_id"]: row["total"]
        for row in contributions.values("activity_id").annotate(total=Sum("usd_amount"))
    }
    outside_ids = set(
        contributions.exclude(funder__funder_type__in=list(INSIDE_TYPES)).values_list(
            "activity_id", flat=True
        )
    )
    countries: dict[str, set[int]] = defaultdict(set)
    for activity_id, country in Location.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "country"
    ):
        countries[str(country)].add(activity_id)
    by_country = sorted(
        (
            {
                "country": code,
                "activities": len(members),
                "with_funding": sum(1 for a in members if a in per_activity),
                "total_usd": sum((per_activity.get(a, ZERO) for a in members), ZERO),
            }
            for code, members in countries.items()
        ),
        key=lambda r: (-Decimal(str(r["total_usd"])), str(r["country"])),
    )
    years: dict[int, list[int]] = defaultdict(list)
    for activity_id, start in activities.values_list("pk", "start_date"):
        years[start.year].append(activity_id)
    by_year = [
        {
            "year": year,
            "activities": len(members),
            "with_funding": sum(1 for a in members if a in per_activity),
            "total_usd": sum((per_activity.get(a, ZERO) for a in members), ZERO),
            "outside_usd": sum(
                (
                    c
                    for c in contributions.filter(activity_id__in=members)
                    .exclude(funder__funder_type__in=list(INSIDE_TYPES))
                    .values_list("usd_amount", flat=True)
                ),
                ZERO,
            ),
        }
        for year, members in sorted(years.items())
    ]
    labels = dict(FunderType.choices)
    by_type = [
        {
            "funder_type": row["funder__funder_type"],
            "label": str(labels.get(row["funder__funder_type"], row["funder__funder_type"])),
            "total_usd": row["total"],
            "activities": row["n"],
        }
        for row in contributions.values("funder__funder_type")
        .annotate(total=Sum("usd_amount"))
        .annotate(n=Count("activity", distinct=True))
        .order_by("-total")
    ]
    total = sum(per_activity.values(), ZERO)
    outside_usd = (
        contributions.exclude(funder__funder_type__in=list(INSIDE_TYPES)).aggregate(
            s=Sum("usd_amount")
        )["s"]
        or ZERO
    )
    return MoneySummary(
        activities=len(ids),
        with_funding=len(per_activity),
        without_funding=len(ids) - len(per_activity),
        outside_funded=len(outside_ids),
        total_usd=total,
        outside_usd=outside_usd,
        by_country=by_country,
        by_year=by_year,
        by_funder_type=by_type,
        missing_disclosure=missing_disclosure(activities),
    )


def missing_disclosure(activities: QuerySet[Activity]) -> list[Activity]:
    """Outside-funded activities with at least one outside payment that has no Form 801."""
    return list(
        activities.filter(
            contributions__form_801__isnull=True,
            contributions__funder__funder_type__in=[
                t for t in FunderType.values if t not in INSIDE_TYPES
            ],
        )
        .distinct()
        .order_by("-start_date", "id")
    )


def filing_since(contributions: QuerySet[Contribution]) -> dt.date | None:
    """The first 1353 period that holds a payment (``None``: no payments at all)."""
    first = (
        contributions.order_by("activity__end_date")
        .values_list("activity__end_date", flat=True)
        .first()
    )
    return period_containing(first) if first else None


def page_of_rows(rows: list[Any], *, page: int, page_size: int | None, clamp: bool) -> Page:
    """One page of a list built in Python (posting states are computed per row)."""
    size = page_size or settings.PAGE_SIZE
    last = max(1, -(-len(rows) // size))
    number = max(1, page) if not clamp else min(max(1, page), last)
    start = (number - 1) * size
    return Page(items=rows[start : start + size], count=len(rows), number=number, page_size=size)


def filter_activities(
    activities: QuerySet[Activity],
    *,
    year: int | None = None,
    country: str | None = None,
    start_from: dt.date | None = None,
    start_to: dt.date | None = None,
) -> QuerySet[Activity]:
    if year:
        activities = activities.filter(start_date__year=year)
    if country:
        activities = activities.filter(locations__country=country.upper()).distinct()
    if start_from:
        activities = activities.filter(start_date__gte=start_from)
    if start_to:
        activities = activities.filter(start_date__lte=start_to)
    return activities


@dataclass
class DisclosureStatus:
    """The oversight page's funding panel: filing status and late filings."""

    outside_payments: int
    postings: dict[str, int]
    late_postings: list[PostingRow]
    periods: list[PeriodRow]
    missing_disclosure: int

    @property
    def late_periods(self) -> list[PeriodRow]:
        return [p for p in self.periods if p.state in ("overdue", "filed_late")]


def disclosure_status(*, user: Any, today: dt.date) -> DisclosureStatus:
    """Form 801 posting states, the 1353 periods of each agency the user reads, and the
    outside-funded activities missing a disclosure — read through the access functions."""
    from liaison.funding.access import contributions_visible_to, money_activities

    contributions = contributions_visible_to(user)
    rows = posting_rows(contributions, today=today)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    periods: list[PeriodRow] = []
    for agency_id in sorted(set(contributions.values_list("agency_id", flat=True))):
        since = filing_since(contributions.filter(agency_id=agency_id))
        if since is not None:
            periods += semiannual_periods(agency_ids=[agency_id], today=today, since=since)
    return DisclosureStatus(
        outside_payments=len(rows),
        postings=dict(counts),
        late_postings=[r for r in rows if r.state in ("overdue", "posted_late")],
        periods=periods,
        missing_disclosure=len(missing_disclosure(money_activities(user))),
    )


# --- the contributions list (page, API and export: one selector) ---------------------------


@dataclass
class ContributionFilters:
    year: int | None = None  # the activity's start year
    funder_type: str = ""
    paid_for: str = ""
    funder: int | None = None  # a funder's id
    agency: int | None = None


def contribution_list(*, user: Any, filters: ContributionFilters) -> QuerySet[Contribution]:
    """Every contribution the user may read, filtered, oldest activity first: the list page,
    ``GET /api/v1/funding/contributions`` and the contributions export all read this.

    Like the rest of the funding views it needs a reader of the agency's activities
    (``NotFound`` otherwise: the list does not exist for anyone else)."""
    from liaison.funding.access import contributions_visible_to, require_funding_reader

    require_funding_reader(user)
    qs = contributions_visible_to(user).select_related(
        "agency", "activity", "funder", "participation", "form_801"
    )
    if filters.year:
        qs = qs.filter(activity__start_date__year=filters.year)
    if filters.funder_type:
        qs = qs.filter(funder__funder_type=filters.funder_type)
    if filters.paid_for:
        qs = qs.filter(paid_for=filters.paid_for)
    if filters.funder:
        qs = qs.filter(funder_id=filters.funder)
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    return qs.order_by("activity__start_date", "activity_id", "id")
