"""Retention schedules, legal holds and tombstones (ADR 0024).

A *schedule* says how long an agency keeps a type of record after the activity ends; a
*hold* placed by an overseer keeps records whatever the schedule says; a *tombstone* is
what is left when ``services.retention_apply`` destroys a record: what it was, its dates,
the schedule applied, who destroyed it and when, and the SHA-256 of what was destroyed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.people.models import Employee, ExternalPerson


class RecordType(models.TextChoices):
    # One type today: an activity with everything that hangs off it (locations,
    # participations, approvals, funding, reports and their attachments, outcomes,
    # contacts, assessments…). People and organisations are shared by many activities and
    # are kept (ADR 0024). Values are stored and promised in the API: add, never rename.
    ACTIVITY = "activity", "Activity and its dependent records"


class RetentionSchedule(models.Model):
    """How many years an agency keeps a type of record after the activity ends."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        help_text="Records are destroyed this many years after the activity ends."
    )
    authority = models.CharField(
        max_length=300,
        help_text="The retention rule this follows (e.g. the city's records schedule item).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_type"], name="schedule_once"),
            models.CheckConstraint(
                condition=Q(record_type__in=RecordType.values), name="schedule_type_valid"
            ),
            models.CheckConstraint(condition=Q(years__gte=1), name="schedule_years_at_least_one"),
            models.CheckConstraint(condition=~Q(authority=""), name="schedule_has_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years ({self.agency})"


class HoldScope(models.TextChoices):
    AGENCY = "agency", "Every record of the agency"
    ACTIVITY = "activity", "One activity"
    EMPLOYEE = "employee", "Every activity of an employee"
    EXTERNAL_PERSON = "external_person", "Every activity of an external person"


class LegalHold(models.Model):
    """A legal hold: while it is in force (not released) nothing in its scope is destroyed.

    The activity of an activity-scoped hold is kept as its number and title, not as a
    foreign key: a released hold stays on record after the activity it once held is
    destroyed, and its tombstone carries the same number."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=20, choices=HoldScope.choices)
    activity_number = models.PositiveBigIntegerField(null=True, blank=True)
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_person = models.ForeignKey(
        ExternalPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the scope named when the hold was placed (an activity's title, a person's name).
    scope_label = models.CharField(max_length=300)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=HoldScope.values), name="hold_scope_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        scope="agency",
                        activity_number__isnull=True,
                        employee__isnull=True,
                        external_person__isnull=True,
                    )
                    | Q(
                        scope="activity",
                        activity_number__isnull=False,
                        employee__isnull=True,
                        external_person__isnull=True,
                    )
                    | Q(
                        scope="employee",
                        activity_number__isnull=True,
                        employee__isnull=False,
                        external_person__isnull=True,
                    )
                    | Q(
                        scope="external_person",
                        activity_number__isnull=True,
                        employee__isnull=True,
                        external_person__isnull=False,
                    )
                ),
                name="hold_scope_names_one_thing",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True, release_reason="")
                | (Q(released_at__isnull=False, released_by__isnull=False) & ~Q(release_reason="")),
                name="hold_release_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["agency", "released_at"], name="hold_agency_open")]

    def __str__(self) -> str:
        return f"Hold on {self.scope_label}"

    @property
    def in_force(self) -> bool:
        return self.released_at is None


class Tombstone(models.Model):
    """What is left of a destroyed record. Written once by ``retention_apply`` and never
    changed: it keeps no history of its own (it *is* the record of a destruction; see
    tests/test_history.py)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    record_number = models.PositiveBigIntegerField(help_text="The destroyed record's id.")
    title = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=20)
    origin = models.CharField(max_length=10)
    source = models.CharField(max_length=300, blank=True)
    # The schedule as applied (its row may change later; these are the day's values).
    schedule = models.ForeignKey(
        RetentionSchedule, on_delete=models.PROTECT, null=True, related_name="+"
    )
    schedule_years = models.PositiveSmallIntegerField()
    schedule_authority = models.CharField(max_length=300)
    due_on = models.DateField(help_text="The first day the schedule allowed destruction.")
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(db_index=True)
    content_sha256 = models.CharField(max_length=64)
    # How many rows of each kind went: {"activities.location": 2, …, "history rows": 14}.
    contents = models.JSONField(default=dict)

    class Meta:
        ordering = ["-destroyed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_number"], name="tombstone_once"),
            models.CheckConstraint(
                condition=Q(record_type__in=RecordType.values), name="tombstone_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Destroyed: {self.title} (#{self.record_number})"
