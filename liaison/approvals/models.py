"""The approval record of a request and the approval rules of each agency (ADR 0014)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency, Role
from liaison.activities.models import Activity

# The roles an approval step may name: the workflow's step guards exist for these.
STEP_ROLES = (Role.APPROVER, Role.COMMAND)


class ApprovalPolicy(models.Model):
    """One agency's approval rules: which role approves at each step, and when higher
    command must approve too (the conditions of ``conditions.CONDITIONS``). Edited by the
    agency's coordinators and administrators; every change is in the history."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="approval_policy")
    approver_role = models.CharField(
        max_length=20,
        choices=[(r.value, r.label) for r in STEP_ROLES],
        default=Role.APPROVER,
        help_text="Who approves every request (the first approval step).",
    )
    higher_command_role = models.CharField(
        max_length=20,
        choices=[(r.value, r.label) for r in STEP_ROLES],
        default=Role.COMMAND,
        help_text="Who approves as well when one of the conditions below applies.",
    )
    cost_threshold = models.DecimalField(
        "cost threshold (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Higher command approves when the estimated cost is above this. "
        "Empty: cost never calls for higher command.",
    )
    advisory_level_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Higher command approves when a location's travel advisory level, as "
        "assessed, is this or higher (1–4).",
    )
    countries = models.JSONField(
        default=list,
        blank=True,
        help_text="ISO 3166 codes of countries where higher command always approves.",
    )
    foreign_ministry_inbound = models.BooleanField(
        default=True,
        help_text="Higher command approves inbound programmes for a foreign ministry.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "approval policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(advisory_level_threshold__gte=1, advisory_level_threshold__lte=4),
                name="approvalpolicy_advisory_level_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(cost_threshold__isnull=True) | Q(cost_threshold__gte=0),
                name="approvalpolicy_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approver_role__in=[r.value for r in STEP_ROLES])
                & Q(higher_command_role__in=[r.value for r in STEP_ROLES]),
                name="approvalpolicy_step_roles_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval rules of {self.agency}"


class StepKind(models.TextChoices):
    SECURITY_REVIEW = "security_review", "Security review"
    APPROVAL = "approval", "Approval"


class StepState(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    RETURNED = "returned", "Returned for correction"
    NOT_REACHED = "not_reached", "Not reached"


DECIDED_STATES = (StepState.APPROVED, StepState.DENIED, StepState.RETURNED)


class ApprovalStep(models.Model):
    """One step of a request's approval record: the security review, or an approval by
    the role the agency's rules name. A submission opens a *round*; a return for
    correction ends it, and the next submission opens another, so every decision ever
    made stays on the record.

    Who decided is kept as they were that day (name, role, rank, unit), like a
    participant's rank on a trip: a later promotion does not rewrite who approved."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="approval_steps")
    round = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    role = models.CharField(max_length=20, choices=Role.choices, help_text="Who takes this step.")
    # Why this step is on the chain: the sentences of the conditions that called for it
    # (empty for the steps every request takes), and their names.
    why = models.TextField(blank=True)
    conditions_met = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=StepState.choices, default=StepState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_by_role = models.CharField(max_length=100, blank=True)
    decided_by_rank = models.CharField(max_length=100, blank=True)
    decided_by_unit = models.CharField(max_length=200, blank=True)
    conditions = models.TextField(blank=True, help_text="Conditions attached to an approval.")
    reason = models.TextField(blank=True)
    # The participants the decision covered, by name as recorded on the activity then.
    participants_at_time = models.JSONField(default=list, blank=True)
    # For a decision recorded from an earlier source (``approval_step_import``): where.
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "round", "position"], name="approvalstep_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values), name="approvalstep_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=StepState.values), name="approvalstep_state_valid"
            ),
            # A decision names who and when; a waiting or unreached step names nobody.
            models.CheckConstraint(
                condition=(
                    Q(state__in=[s.value for s in DECIDED_STATES], decided_at__isnull=False)
                    & ~Q(decided_by_name="")
                )
                | Q(
                    state__in=[StepState.PENDING, StepState.NOT_REACHED],
                    decided_by__isnull=True,
                ),
                name="approvalstep_decision_names_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[StepState.DENIED, StepState.RETURNED]) | ~Q(reason=""),
                name="approvalstep_denial_and_return_have_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "role", "activity"], name="approvalstep_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def label(self) -> str:
        if self.kind == StepKind.SECURITY_REVIEW:
            return "Security review"
        return f"Approval by {Role(self.role).label.lower()}"
