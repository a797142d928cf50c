"""The country risk register (advisory levels, indicators, human-rights concerns), the risk
assessment of each outbound location, and the log of reads of restricted assessment text.

The register is a dated series: an advisory level is never overwritten by a newer one, so
"what was the level on 3 March 2019?" stays answerable (``selectors.advisory_level_on``).
An assessment keeps the level *as it was when the assessment was made*
(``advisory_level_at_time``), copied once by the service, never looked up again
(docs/adr/0015-country-risk-and-risk-assessments.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from liaison.activities.models import Activity, Location


class RiskIndicator(models.TextChoices):
    """The U.S. Department of State's travel-advisory risk indicators, by their letters."""

    CRIME = "C", "Crime"
    TERRORISM = "T", "Terrorism"
    CIVIL_UNREST = "U", "Civil unrest"
    HEALTH = "H", "Health"
    NATURAL_DISASTER = "N", "Natural disaster"
    TIME_LIMITED_EVENT = "E", "Time-limited event"
    WRONGFUL_DETENTION = "D", "Wrongful detention"
    KIDNAPPING = "K", "Kidnapping or hostage-taking"
    OTHER = "O", "Other"


INDICATOR_LETTERS = "".join(RiskIndicator.values)
ADVISORY_LEVELS: dict[int, str] = {
    1: "Level 1: exercise normal precautions",
    2: "Level 2: exercise increased caution",
    3: "Level 3: reconsider travel",
    4: "Level 4: do not travel",
}


class CountryRisk(models.Model):
    """One country's entry in the register: the parent of its dated advisory levels and its
    human-rights concerns. Shared by every agency of the deployment."""

    country = CountryField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country"]
        verbose_name = "country risk entry"
        verbose_name_plural = "country risk register"

    def __str__(self) -> str:
        return str(countries.name(str(self.country)))


class AdvisoryLevel(models.Model):
    """A travel-advisory level in force from ``effective_date`` until the next one."""

    country_risk = models.ForeignKey(
        CountryRisk, on_delete=models.PROTECT, related_name="advisories"
    )
    level = models.PositiveSmallIntegerField(choices=sorted(ADVISORY_LEVELS.items()))
    effective_date = models.DateField()
    # The indicator letters in force with this level, in declared order ("CTU").
    indicators = models.CharField(max_length=len(INDICATOR_LETTERS), blank=True)
    source_name = models.CharField(max_length=300)
    source_reference = models.CharField(
        max_length=500, blank=True, help_text="A URL or a document reference."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["country_risk", "-effective_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="advisory_level_1_to_4"
            ),
            models.UniqueConstraint(
                fields=["country_risk", "effective_date"], name="advisory_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(indicators__regex=rf"^[{INDICATOR_LETTERS}]*$"),
                name="advisory_indicators_known",
            ),
            models.CheckConstraint(condition=~Q(source_name=""), name="advisory_source_named"),
        ]

    def __str__(self) -> str:
        return f"{self.country_risk}: level {self.level} from {self.effective_date}"

    @property
    def indicator_labels(self) -> list[str]:
        return [RiskIndicator(letter).label for letter in self.indicators]


class HumanRightsConcern(models.Model):
    country_risk = models.ForeignKey(CountryRisk, on_delete=models.PROTECT, related_name="concerns")
    text = models.TextField()
    source_name = models.CharField(max_length=300)
    source_reference = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country_risk", "id"]
        constraints = [
            models.UniqueConstraint(fields=["country_risk", "text"], name="concern_once"),
            models.CheckConstraint(condition=~Q(text=""), name="concern_text_not_blank"),
            models.CheckConstraint(condition=~Q(source_name=""), name="concern_source_named"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AssessmentStatus(models.TextChoices):
    DONE = "done", "Done"
    REOPENED = "reopened", "Reopened: the itinerary changed"


class Decision(models.TextChoices):
    PROCEED = "proceed", "Proceed"
    PROCEED_WITH_CONDITIONS = "proceed_with_conditions", "Proceed with conditions"
    DO_NOT_PROCEED = "do_not_proceed", "Do not proceed"


class RiskAssessment(models.Model):
    """The security officer's assessment of one outbound location abroad.

    ``location`` is the link the approval rules read (``location.risk_assessment``). When
    the location is removed from the itinerary the assessment is kept (reopened, its
    location emptied) with the ``activity`` and the place it assessed (``country``,
    ``city``), so nothing that was assessed is lost."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    location = models.OneToOneField(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_assessment",
    )
    # The place as assessed (the location may later change or be removed).
    country = CountryField()
    city = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DONE
    )
    reopened_reason = models.CharField(max_length=300, blank=True)
    # Snapshot of the register when the assessment was made (null: no level on record).
    advisory_level_at_time = models.PositiveSmallIntegerField(null=True, blank=True)
    advisory_effective_date_at_time = models.DateField(null=True, blank=True)
    advisory_indicators_at_time = models.CharField(max_length=len(INDICATOR_LETTERS), blank=True)
    advisory_source_at_time = models.CharField(max_length=300, blank=True)
    concerns = models.TextField(blank=True)
    mitigations = models.TextField(blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices)
    conditions = models.TextField(blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The assessor as they were (like ``Participation.*_at_time``).
    assessor_name_at_time = models.CharField(max_length=200)
    assessor_rank_at_time = models.CharField(max_length=100, blank=True)
    assessed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="assessment_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(advisory_level_at_time__isnull=True)
                | Q(advisory_level_at_time__gte=1, advisory_level_at_time__lte=4),
                name="assessment_level_1_to_4",
            ),
            models.CheckConstraint(
                condition=~Q(decision="proceed_with_conditions") | ~Q(conditions=""),
                name="assessment_conditions_given",
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | ~Q(reopened_reason=""),
                name="assessment_reopened_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status"], name="assessment_activity")]

    def __str__(self) -> str:
        return f"Risk assessment: {self.place}"

    @property
    def is_done(self) -> bool:
        return self.status == AssessmentStatus.DONE

    @property
    def advisory_level_label(self) -> str:
        if self.advisory_level_at_time is None:
            return "No advisory level on record"
        return ADVISORY_LEVELS[self.advisory_level_at_time]

    @property
    def place(self) -> str:
        name = countries.name(str(self.country))
        return f"{self.city}, {name}" if self.city else str(name)


class BriefingKind(models.TextChoices):
    DEFENSIVE_SECURITY = "defensive_security", "Defensive security briefing"
    COUNTER_INTELLIGENCE = "counter_intelligence", "Counter-intelligence briefing"
    OTHER = "other", "Other briefing"


class Briefing(models.Model):
    """A briefing given to the travellers before departure, as part of an assessment."""

    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.PROTECT, related_name="briefings"
    )
    kind = models.CharField(max_length=30, choices=BriefingKind.choices)
    given_on = models.DateField()
    given_by = models.CharField(max_length=200, help_text="Who gave it (name, rank or office).")
    notes = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BriefingKind.values), name="briefing_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(given_by=""), name="briefing_given_by_named"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.given_on}"
