"""Evaluation reports filed after an activity, and the recommendations they make.

A report belongs to one activity and is signed by one or more of its participants (a
group may file one co-signed report; each participant signs off on their own). Each
recommendation is its own row, so that the outcomes app can record a decision on each
(adopt / reject / defer) and what changed because of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Participation, Topic
from liaison.vetting.models import Contact


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for correction"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class EvaluationReport(models.Model):
    """What a participant (or a group of participants) learned on an activity."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="evaluation_reports"
    )
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    due_on = models.DateField(
        "due on", help_text="The activity's end date plus the agency's reporting period."
    )
    purpose = models.TextField(blank=True)
    itinerary = models.TextField("itinerary and units visited", blank=True)
    key_takeaways = models.TextField("key takeaways", blank=True)
    practical_applications = models.TextField("practical applications", blank=True)
    potential_benefits = models.TextField("potential benefits", blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="evaluation_reports")
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="evaluation_reports", verbose_name="contacts made"
    )
    contacts_not_in_register = models.TextField(
        "other contacts made",
        blank=True,
        help_text="Contacts not (yet) in the contacts register.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    resubmit_by = models.DateField(
        "resubmit by",
        null=True,
        blank=True,
        help_text="Set when the reviewer returns the report for correction.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="report_agency_status_due"),
        ]

    def __str__(self) -> str:
        return f"Evaluation report: {self.activity}"


class ReportAuthor(models.Model):
    """One participant's part in a report: each participant is on exactly one report, and
    signs off on it themselves (a co-signed group report has several)."""

    report = models.ForeignKey(EvaluationReport, on_delete=models.CASCADE, related_name="authors")
    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="report_author"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.participation} on {self.report}"


class Recommendation(models.Model):
    """One recommendation of a report: each gets its own decision (outcomes app)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="recommendations")
    report = models.ForeignKey(
        EvaluationReport, on_delete=models.PROTECT, related_name="recommendations"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_text_required"),
        ]

    def __str__(self) -> str:
        return self.text[:80]
