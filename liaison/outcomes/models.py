"""What the department did with what it learned (ADR 0018).

- ``Decision``: the decision on one recommendation of an evaluation report (adopt,
  reject, defer), by whom (named as they were that day, with their role), why, when.
- ``Adoption``: what changed because of an adopted recommendation (a tactic, a policy
  change, a training programme, equipment), effective when; followed up every six
  months (``FollowUp``) until it is closed.
- ``NothingAdopted``: the explicit, dated statement by a named official that nothing was
  adopted from an activity (withdrawable, with a reason).
- ``Policy``: the agency's policy library (seed 002's directives and manual sections).
- ``AlignmentReview``: a policy reviewer's verdict on one adoption against one policy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity
from liaison.outcomes.workflow import AdoptionStatus, DecisionOutcome
from liaison.reports.models import Recommendation

USER = settings.AUTH_USER_MODEL


class Policy(models.Model):
    """One entry of an agency's policy library: a directive, a manual section, a special
    order, a training bulletin. Identifiers are unique within the agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    identifier = models.CharField(
        max_length=100, help_text="As the department cites it, e.g. “130.25” or “Directive 16”."
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    effective_from = models.DateField("in effect from", null=True, blank=True)
    effective_to = models.DateField(
        "in effect until", null=True, blank=True, help_text="Empty: still in effect."
    )
    source_url = models.URLField("source link", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["identifier", "id"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["agency", "identifier"], name="policy_identifier_once"),
            models.CheckConstraint(condition=~Q(identifier=""), name="policy_identifier_given"),
            models.CheckConstraint(condition=~Q(title=""), name="policy_title_given"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="policy_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"


class Decision(models.Model):
    """The decision on one recommendation. One row per recommendation: a deferred one is
    decided again on the same row (its history keeps the deferral)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    reason = models.TextField("why")
    decided_on = models.DateField("decided on")
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_by_name = models.CharField("decided by", max_length=200)
    decided_by_role = models.CharField("role", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="decision_reason_given"),
            models.CheckConstraint(condition=~Q(decided_by_name=""), name="decision_named"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.recommendation}"


class AdoptionKind(models.TextChoices):
    TACTIC = "tactic", "Tactic"
    POLICY_CHANGE = "policy_change", "Policy change"
    TRAINING_PROGRAMME = "training_programme", "Training programme"
    EQUIPMENT = "equipment", "Equipment"


class Adoption(models.Model):
    """What changed because of an adopted recommendation, and from when."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="adoptions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="adoptions"
    )
    kind = models.CharField(max_length=20, choices=AdoptionKind.choices)
    what_changed = models.TextField("what changed")
    effective_on = models.DateField("in effect from")
    status = models.CharField(
        max_length=10, choices=AdoptionStatus.choices, default=AdoptionStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    closing_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField("recorded by", max_length=200)
    recorded_by_role = models.CharField("role", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AdoptionKind.values), name="adoption_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AdoptionStatus.values), name="adoption_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(what_changed=""), name="adoption_what_changed_given"
            ),
            models.CheckConstraint(
                condition=(Q(status="open", closed_on__isnull=True))
                | (Q(status="closed", closed_on__isnull=False) & ~Q(closing_reason="")),
                name="adoption_closed_with_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("effective_on")),
                name="adoption_closed_after_effective",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="adoption_agency_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.what_changed[:80]}"


class FollowUp(models.Model):
    """One six-monthly follow-up of an open adoption: dated, by whom, a status note."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="follow_ups")
    followed_up_on = models.DateField("followed up on")
    due_on = models.DateField("was due on")
    note = models.TextField("status note")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField("by", max_length=200)
    by_role = models.CharField("role", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["adoption", "followed_up_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="follow_up_note_given"),
        ]

    def __str__(self) -> str:
        return f"Follow-up of {self.adoption} on {self.followed_up_on}"


class NothingAdopted(models.Model):
    """“Nothing was adopted from this activity”: a dated statement by a named official.
    At most one standing (not withdrawn) statement per activity."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="nothing_adopted_statements"
    )
    stated_on = models.DateField("stated on")
    statement = models.TextField(help_text="Why nothing was adopted.")
    stated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    stated_by_name = models.CharField("stated by", max_length=200)
    stated_by_role = models.CharField("role", max_length=100)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-stated_on", "-id"]
        verbose_name = "statement that nothing was adopted"
        constraints = [
            models.UniqueConstraint(
                fields=["activity"],
                condition=Q(withdrawn_at__isnull=True),
                name="nothing_adopted_one_standing",
            ),
            models.CheckConstraint(
                condition=~Q(statement=""), name="nothing_adopted_statement_given"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="nothing_adopted_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Nothing adopted from {self.activity} ({self.stated_on})"


class Verdict(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    CONFLICTS = "conflicts", "Conflicts"
    NEEDS_CHANGE = "needs_change", "Needs change"


class AlignmentReview(models.Model):
    """A policy reviewer's verdict on one adoption against one policy it touches."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="reviews")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="reviews")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    rationale = models.TextField()
    reviewed_on = models.DateField("reviewed on")
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reviewed_by_name = models.CharField("reviewed by", max_length=200)
    reviewed_by_role = models.CharField("role", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["adoption", "policy__identifier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adoption", "policy"], name="review_once_per_policy"),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="review_verdict_valid"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="review_rationale_given"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.adoption} against {self.policy}"
