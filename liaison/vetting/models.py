"""Foreign contacts, inbound trainees, their vetting requests, and the log of every read
of them (ADR 0016).

A contact is a *link* between an activity and an external person or an organisation that
already exists in the people registry (``people.ExternalPerson`` / ``people.Organisation``):
the person is not copied, only how and when they were met, their role at the time and
the restricted contact details. All of it is restricted data: only security officers and
overseers of the agency see it (``access.py``), and every read is logged
(``RestrictedRead``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity
from liaison.people.models import ExternalPerson, Organisation
from liaison.vetting.workflow import VettingStatus, trainees_vetted


class Circumstance(models.TextChoices):
    TRAINED_BY_US = "trained_by_us", "Trained by us"
    TRAINED_US = "trained_us", "Trained our staff"
    HOST = "host", "Host or organiser staff"
    FELLOW_PARTICIPANT = "fellow_participant", "Fellow participant"
    OFFICIAL_MEETING = "official_meeting", "Official meeting"
    SOCIAL = "social", "Social or unplanned"
    OTHER = "other", "Other"


class Contact(models.Model):
    """A foreign person or organisation met or trained on an activity."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="foreign_contacts"
    )
    external_person = models.ForeignKey(
        ExternalPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    circumstance = models.CharField(
        "how they were met", max_length=20, choices=Circumstance.choices
    )
    met_on = models.DateField("met on")
    role_at_time = models.CharField("role or position at the time", max_length=200, blank=True)
    country = CountryField(help_text="Nationality, or the country of the organisation.")
    # The restricted contact details.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    details = models.TextField(
        "other contact details", blank=True, help_text="Addresses, messaging accounts, …"
    )
    reported_on = models.DateField(
        "reported on",
        null=True,
        blank=True,
        help_text="The day the traveller reported the contact (empty: not reported yet).",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-met_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(external_person__isnull=False, organisation__isnull=True)
                    | Q(external_person__isnull=True, organisation__isnull=False)
                ),
                name="contact_exactly_one_party",
            ),
            models.UniqueConstraint(
                fields=["activity", "external_person"],
                condition=Q(external_person__isnull=False),
                name="contact_person_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "organisation"],
                condition=Q(organisation__isnull=False),
                name="contact_organisation_once",
            ),
            models.CheckConstraint(
                condition=Q(circumstance__in=Circumstance.values), name="contact_circumstance_valid"
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(reported_on__gte=F("met_on")),
                name="contact_reported_not_before_met",
            ),
        ]
        indexes = [models.Index(fields=["agency", "-met_on"], name="contact_agency_met")]

    def __str__(self) -> str:
        return f"{self.party_name} ({self.activity})"

    @property
    def party_name(self) -> str:
        if self.external_person_id:
            return str(self.external_person)
        return self.organisation.name if self.organisation else ""

    @property
    def kind(self) -> str:
        return "person" if self.external_person_id else "organisation"


class IlrLevel(models.TextChoices):
    """Interagency Language Roundtable levels (0 to 5, with "plus" steps): what U.S.
    agencies and FLETC intake forms use (ADR 0016)."""

    L0 = "0", "0 — No proficiency"
    L0P = "0+", "0+ — Memorized proficiency"
    L1 = "1", "1 — Elementary"
    L1P = "1+", "1+ — Elementary plus"
    L2 = "2", "2 — Limited working"
    L2P = "2+", "2+ — Limited working plus"
    L3 = "3", "3 — General professional"
    L3P = "3+", "3+ — General professional plus"
    L4 = "4", "4 — Advanced professional"
    L4P = "4+", "4+ — Advanced professional plus"
    L5 = "5", "5 — Functionally native"


class InboundTrainee(models.Model):
    """A foreign participant of an inbound course: the intake record vetted before the
    course starts (registration, sponsor, embassy recommendation, language)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="inbound_trainees"
    )
    external_person = models.ForeignKey(
        ExternalPerson, on_delete=models.PROTECT, related_name="trainee_records"
    )
    registration_number = models.CharField(max_length=50, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    sponsoring_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_trainees",
        verbose_name="sponsoring agency",
    )
    recommended_by = models.CharField(
        "embassy recommendation by",
        max_length=200,
        blank=True,
        help_text="Who recommended the trainee, e.g. the embassy's regional security officer.",
    )
    recommended_on = models.DateField("recommendation date", null=True, blank=True)
    language = models.CharField("language of instruction", max_length=50, blank=True)
    language_level = models.CharField(
        "proficiency (ILR)", max_length=2, choices=IlrLevel.choices, blank=True
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "external_person"], name="trainee_once_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(language_level="") | Q(language_level__in=IlrLevel.values),
                name="trainee_language_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_person} ({self.activity})"

    @classmethod
    def all_vetted_for(cls, activity: Activity) -> bool:
        """The rule behind the activity workflow's ``trainees_vetted`` guard, which reaches
        it through ``activity.inbound_trainees.model`` (the workflow imports nothing from
        this app): ``vetting.workflow.trainees_vetted``."""
        return trainees_vetted(activity)


class Channel(models.TextChoices):
    INVESTC = "investc", "U.S. Embassy — INVESTc (Leahy)"
    FBI_LEGAT = "fbi_legat", "FBI Legat"
    STATE_DEPARTMENT = "state_department", "State Department"
    OTHER = "other", "Other (name it)"


class VettingRequest(models.Model):
    """One request to a national channel to vet a contact or an inbound trainee."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="vetting_requests"
    )
    trainee = models.ForeignKey(
        InboundTrainee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vetting_requests",
    )
    channel = models.CharField("channel asked", max_length=20, choices=Channel.choices)
    channel_detail = models.CharField(
        "channel (details)",
        max_length=200,
        blank=True,
        help_text="Which office or person; required for Other.",
    )
    sent_on = models.DateField("date sent")
    reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=VettingStatus.choices, default=VettingStatus.REQUESTED
    )
    decided_on = models.DateField("decision date", null=True, blank=True)
    expires_on = models.DateField("expiry", null=True, blank=True)
    source_document = models.CharField(
        max_length=300,
        blank=True,
        help_text="The reply or record the status comes from (reference, file, cable).",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contact__isnull=False, trainee__isnull=True)
                    | Q(contact__isnull=True, trainee__isnull=False)
                ),
                name="vetting_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VettingStatus.values), name="vetting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="vetting_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("sent_on")),
                name="vetting_expiry_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("sent_on")),
                name="vetting_decided_not_before_sent",
            ),
            models.CheckConstraint(
                condition=~Q(channel="other") | ~Q(channel_detail=""),
                name="vetting_other_channel_named",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="vetting_agency_status")]

    def __str__(self) -> str:
        return f"Vetting of {self.subject_name} via {self.get_channel_display()}"

    @property
    def subject(self) -> Contact | InboundTrainee | None:
        return self.contact or self.trainee

    @property
    def subject_name(self) -> str:
        if self.contact is not None:
            return self.contact.party_name
        return str(self.trainee.external_person) if self.trainee else ""

    @property
    def channel_label(self) -> str:
        label = str(self.get_channel_display())
        if self.channel == Channel.OTHER:
            return self.channel_detail
        return f"{label} ({self.channel_detail})" if self.channel_detail else label
