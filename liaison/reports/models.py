"""Evaluation reports filed after an activity, and the recommendations they make.

A report belongs to one activity and is signed by one or more of its participants (a
group may file one co-signed report; each participant signs off on their own). Each
recommendation is its own row, so that the outcomes app can record a decision on each
(adopt / reject / defer) and what changed because of it. Every agency sets its reporting
period, the substance minimums and the reminder rhythm in its ``ReportPolicy`` (ADR 0017).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Origin, Participation, Topic
from liaison.reports.workflow import ReportStatus
from liaison.vetting.models import Contact

__all__ = ["ReportStatus"]


class ReportPolicy(models.Model):
    """One agency's rules for evaluation reports: when they are due, how much each part
    must say before a report may be submitted, and when reminders and escalations go
    out. Edited by the agency's coordinators and administrators; history keeps each
    version. An agency without a row uses the defaults."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="report_policy")
    due_days = models.PositiveSmallIntegerField(
        "reporting period (days)",
        default=30,
        help_text="A report is due this many days after the activity ends.",
    )
    due_soon_days = models.PositiveSmallIntegerField(
        "due soon (days)",
        default=7,
        help_text="Reports due within this many days are listed as due soon and reminded.",
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        "days between reminders",
        default=7,
        help_text="A reminder about one report goes out at most once in this many days.",
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        "escalate after (days overdue)",
        default=14,
        help_text="A report overdue by this many days is escalated to the supervisor.",
    )
    min_purpose = models.PositiveSmallIntegerField("purpose: minimum characters", default=40)
    min_itinerary = models.PositiveSmallIntegerField("itinerary: minimum characters", default=40)
    min_key_takeaways = models.PositiveSmallIntegerField(
        "key takeaways: minimum characters", default=200
    )
    min_practical_applications = models.PositiveSmallIntegerField(
        "practical applications: minimum characters", default=100
    )
    min_potential_benefits = models.PositiveSmallIntegerField(
        "potential benefits: minimum characters", default=100
    )
    min_recommendations = models.PositiveSmallIntegerField("minimum recommendations", default=1)
    min_topics = models.PositiveSmallIntegerField("minimum topics covered", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "report policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=365), name="reportpolicy_due_days_range"
            ),
            models.CheckConstraint(
                condition=Q(reminder_interval_days__gte=1), name="reportpolicy_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Report rules of {self.agency}"


class EvaluationReport(models.Model):
    """What a participant (or a group of participants) learned on an activity."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="evaluation_reports"
    )
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    origin = models.CharField(
        max_length=20,
        choices=Origin.choices,
        default=Origin.ENTERED,
        help_text="Imported reports predate the substance rules and are kept as they were.",
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
    # Denormalised text for full-text search (ADR 0006, 0017): the activity's title, every
    # part of the report, its topics and its recommendations; written by the services.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[topics], excluded_fields=["search_text"])

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="report_origin_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | Q(resubmit_by__isnull=False),
                name="report_returned_has_resubmit_by",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.ACKNOWLEDGED)
                | Q(acknowledged_at__isnull=False)
                | Q(origin=Origin.IMPORTED),
                name="report_acknowledged_has_date",
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
            models.UniqueConstraint(
                fields=["report", "position"], name="recommendation_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    # The stored name is ours (the checksum), never the uploader's: no path tricks, no
    # clashes; the original name is kept in ``filename`` for the download.
    return f"reports/{instance.report_id}/{instance.sha256}"


class ReportAttachment(models.Model):
    """Material received on the activity (a handout, slides, a manual), filed with the
    report. Size and type are limited by settings; the SHA-256 checksum is kept so a copy
    can be checked; downloads are always ``attachment`` with ``nosniff``."""

    report = models.ForeignKey(
        EvaluationReport, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField("file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class ReviewDecision(models.TextChoices):
    RETURNED = "returned", "Returned for correction"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class ReportReview(models.Model):
    """One review of a submitted report by its supervisor: the checklist as answered, the
    decision, and — when returned — the reason and the resubmission deadline. A report
    returned twice has two reviews."""

    report = models.ForeignKey(EvaluationReport, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_name = models.CharField(max_length=200)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    checklist = models.JSONField(
        default=dict, help_text="Each checklist item's key and whether the reviewer ticked it."
    )
    reason = models.TextField(blank=True)
    resubmit_by = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values), name="review_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.RETURNED)
                | (Q(resubmit_by__isnull=False) & ~Q(reason="")),
                name="review_return_has_reason_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer_name}"


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", "Reminder to the authors"
    ESCALATION = "escalation", "Escalation to the supervisor"


class ReminderSent(models.Model):
    """The log of reminders and escalations sent by ``send_reminders``: one row per
    participant owing a report, kind and day, so a second run on the same day sends
    nothing new. ``report`` is empty for a participant who has not started one."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="report_reminders"
    )
    report = models.ForeignKey(
        EvaluationReport, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "kind", "sent_on"], name="reminder_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.sent_on}"
