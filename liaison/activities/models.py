"""Activities, their locations and participants, and the category/topic vocabularies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.workflow import Status
from liaison.people.models import Employee, ExternalPerson, Organisation

# The text-search configuration used by the PostgreSQL index and by every query against
# it. They must match exactly or PostgreSQL will not use the index.
SEARCH_CONFIG = "english"


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Outbound (our staff abroad)"
    INBOUND = "inbound", "Inbound (foreign personnel trained by us)"
    FOREIGN_TRAINERS = "foreign_trainers", "Foreign trainers (teaching our staff)"
    VIRTUAL = "virtual", "Virtual"


class Kind(models.TextChoices):
    COURSE = "course", "Course"
    SEMINAR = "seminar", "Seminar"
    CONFERENCE = "conference", "Conference"
    EXCHANGE = "exchange", "Exchange"
    SITE_VISIT = "site_visit", "Site visit"
    CONVENTION = "convention", "Convention"


class Category(models.Model):
    """The maintained vocabulary of training categories (administrators edit it)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(
        default=True,
        help_text="Inactive categories stay on old records but are not offered for new ones.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(Lower("name"), name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    name = models.CharField(max_length=100)
    # A rename changes every activity that carries the topic: the history says who and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_unique_name")]

    def __str__(self) -> str:
        return self.name


class Origin(models.TextChoices):
    ENTERED = "entered", "Entered in Liaison"
    IMPORTED = "imported", "Imported from an earlier record"


class Activity(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=300)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="activities")
    topics = models.ManyToManyField(Topic, blank=True, related_name="activities")
    purpose = models.TextField(help_text="What the department expects to learn or teach.")
    justification = models.TextField(blank=True, help_text="Why the department should take part.")
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_activities",
    )
    organiser_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_activities",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    # The requester's estimate of the total cost in US dollars, before anyone pays: the
    # approval rules read it (higher command above a threshold). Not a funding record
    # (who paid what comes with funding); empty when not given.
    estimated_cost = models.DecimalField(
        "estimated cost (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The requester's estimate of the total cost, in US dollars.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Denormalised title + topics + purpose, kept by the services; what search reads.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(
        auto_now_add=True, help_text="When this row was written (a load date for imported records)."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # "Recorded" is when the *department* first recorded the activity: the moment it was
    # entered here, or for an imported record the date its source shows, when known
    # (null: not on record). Never the date a loader happened to run (docs/adr/0004-history.md).
    recorded_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ENTERED)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where an imported record came from."
    )
    # Lifecycle steps the source does not document (e.g. "approval"): shown as "not on
    # record" rather than invented. Keys are listed in ``NOT_ON_RECORD_STEPS``.
    not_on_record = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(m2m_fields=[topics], excluded_fields=["search_text"])

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="activity_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="activity_direction_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="activity_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="activity_status_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="activity_title_not_blank"),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="activity_estimated_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="activity_origin_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-start_date", "-id"], name="activity_agency_date"),
            models.Index(fields=["agency", "status", "-start_date"], name="activity_agency_status"),
            models.Index(
                fields=["agency", "category", "-start_date"], name="activity_agency_category"
            ),
            models.Index(
                fields=["agency", "direction", "-start_date"], name="activity_agency_direction"
            ),
            models.Index(fields=["host_organisation"], name="activity_host"),
            models.Index(fields=["organiser_organisation"], name="activity_organiser"),
            # Lists that span agencies (overseers, administrators) sort by date or title
            # with no agency to lead an index: without these, page 1 sorts every row.
            # Measured in bench/README.md.
            models.Index(fields=["-start_date", "-id"], name="activity_date"),
            models.Index(fields=["title", "id"], name="activity_title"),
            # The search index is vendor-specific (a GIN tsvector index on PostgreSQL, an
            # FTS5 table on SQLite) and so lives in migration 0002, not here.
            # See docs/adr/0006-search.md.
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        sync_location_dates(self)

    @property
    def year(self) -> int:
        return self.start_date.year

    @property
    def not_on_record_steps(self) -> list[dict[str, str]]:
        """``not_on_record`` with the words a reader sees, in the declared order: what the
        page lists as "approval not on record" and the API as ``{"key", "label"}``."""
        keys = [str(k) for k in self.not_on_record or []]
        ordered = [k for k in NOT_ON_RECORD_STEPS if k in keys] + [
            k for k in keys if k not in NOT_ON_RECORD_STEPS
        ]
        return [{"key": k, "label": NOT_ON_RECORD_STEPS.get(k, k)} for k in ordered]


class Location(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="locations")
    country = CountryField()
    city = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The activity's start date, copied so that "country X in year Y" reads only that
    # year's locations of X (docs/adr/0011-oversight-summary-speed.md). Kept equal to the
    # activity's by ``save`` here and in ``Activity.save`` (``sync_location_dates``).
    # Not null, so a bulk write that forgets it fails loudly instead of hiding a location
    # from the country filter; an ``Activity`` queryset ``update(start_date=…)`` must call
    # ``sync_location_dates`` itself.
    start_date = models.DateField(editable=False)
    history = HistoricalRecords(excluded_fields=["start_date"])

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["country", "activity"], name="location_country"),
            models.Index(
                fields=["country", "start_date", "activity"], name="location_country_start"
            ),
        ]

    def __str__(self) -> str:
        country_name = countries.name(str(self.country))
        return f"{self.city}, {country_name}" if self.city else country_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.start_date = self.activity.start_date
        super().save(*args, **kwargs)


def sync_location_dates(activity: Activity) -> None:
    """Copy the activity's start date onto its locations (a derived column, not a fact of
    its own: written without history). One indexed UPDATE, a no-op when nothing moved."""
    Location.objects.filter(activity_id=activity.pk).exclude(start_date=activity.start_date).update(
        start_date=activity.start_date
    )


# Steps an imported record may lack, with the words a reader sees ("approval not on record").
NOT_ON_RECORD_STEPS: dict[str, str] = {
    "approval": "approval",
    "request": "request to attend",
    "evaluation_report": "evaluation report",
    "travel_records": "travel records",
    "funding": "funding",
    "participants": "list of participants",
}


class ParticipantRole(models.TextChoices):
    ATTENDEE = "attendee", "Attendee"
    INSTRUCTOR = "instructor", "Instructor"
    PRESENTER = "presenter", "Presenter"
    DELEGATION_LEAD = "delegation_lead", "Delegation lead"
    TRAINEE = "trainee", "Trainee (inbound)"


class Participation(models.Model):
    """One person's part in an activity: an employee of ours, or an external person."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, null=True, blank=True, related_name="participations"
    )
    external_person = models.ForeignKey(
        ExternalPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(
        max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.ATTENDEE
    )
    # The participant as they were when added (or as the imported source says): a 2016
    # trip keeps the 2016 rank and unit after a promotion. Set by the services, never
    # re-derived. For an external person, ``unit_at_time`` is their position and
    # ``agency_at_time`` their organisation.
    name_at_time = models.CharField(max_length=200, blank=True)
    rank_at_time = models.CharField(max_length=100, blank=True)
    unit_at_time = models.CharField(max_length=200, blank=True)
    agency_at_time = models.CharField(max_length=200, blank=True)
    # A participant who drops out before the activity runs (``participation_withdraw``):
    # they stay on the record, marked, so the approval given for them stays explained.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(employee__isnull=False, external_person__isnull=True)
                    | Q(employee__isnull=True, external_person__isnull=False)
                ),
                name="participation_exactly_one_person",
            ),
            models.UniqueConstraint(
                fields=["activity", "employee"],
                condition=Q(employee__isnull=False),
                name="participation_employee_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "external_person"],
                condition=Q(external_person__isnull=False),
                name="participation_external_once",
            ),
            models.CheckConstraint(
                condition=Q(role__in=ParticipantRole.values), name="participation_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="participation_withdrawal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["employee", "activity"], name="participation_employee")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"

    @property
    def person(self) -> Employee | ExternalPerson | None:
        return self.employee or self.external_person

    @property
    def display_name(self) -> str:
        """The name as recorded on the activity (falls back to today's for old rows)."""
        if self.name_at_time:
            return self.name_at_time
        person = self.person
        if isinstance(person, Employee):
            return f"{person.first_name} {person.last_name}"
        return str(person or "")


# --- Summary tables: derived figures the services keep current ----------------------------
#
# The oversight summary counts activities and DISTINCT employees under any start-date range,
# set of statuses, direction groups and agencies (docs/adr/0013-summary-tables.md). Counted
# live at a million activities that took seconds; these tables hold the same figures per
# calendar month (and rolled up per year and for all time), so a summary reads a few
# thousand small rows and counts live only the days at the edges of its range.
#
# They are derived, not facts: no history, rebuilt at will (``manage.py summary_rebuild``),
# and written only by ``liaison.activities.summary`` — which every activity service calls.


class Span(models.TextChoices):
    MONTH = "M", "Calendar month"
    YEAR = "Y", "Calendar year"
    ALL = "A", "All time"


# ``period`` of an all-time row: the rows are keyed by a date, and this one means "every".
ALL_TIME = "0001-01-01"


class SummaryCount(models.Model):
    """Activities that started in ``period`` (a month's or a year's first day), by agency,
    category, direction and status, with the earliest start and the latest end among them:
    every activity-level figure of the summary is a sum of these."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices)
    period = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    activities = models.PositiveIntegerField()
    first_start = models.DateField()
    last_end = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "period", "agency", "category", "direction", "status"],
                name="summary_count_key",
            ),
            models.CheckConstraint(
                condition=Q(span__in=["M", "Y"]), name="summary_count_span_month_or_year"
            ),
            models.CheckConstraint(condition=Q(activities__gt=0), name="summary_count_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.period}: {self.activities} {self.status} {self.direction}"


class SummaryCell(models.Model):
    """The activities that started in ``period`` in one agency, status and direction group —
    all of them (``country`` empty) or those with a location in ``country`` — counted, and
    the set of employees who took part in them as a bitmap over ``Employee.pk`` (zlib-
    compressed, little-endian; bit *n* set = employee *n* took part). Distinct employees of
    any union of cells is the population count of their bitmaps OR-ed together."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices)
    period = models.DateField()
    status = models.CharField(max_length=20)
    direction_group = models.CharField(max_length=20)
    country = models.CharField(max_length=2, blank=True)
    activities = models.PositiveIntegerField()
    employees = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "country", "period", "agency", "status", "direction_group"],
                name="summary_cell_key",
            ),
            models.CheckConstraint(condition=Q(activities__gt=0), name="summary_cell_not_empty"),
        ]

    def __str__(self) -> str:
        place = self.country or "anywhere"
        return f"{self.span} {self.period} {place}: {self.activities} {self.status}"
