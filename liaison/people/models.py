"""The parties: our employees, external persons, and the organisations they belong to.

Organisations live here rather than in ``activities`` (ADR 0005): an external person
belongs to one, and the dependency arrow runs people → activities.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency


class OrganisationType(models.TextChoices):
    POLICE = "police", "Police"
    MILITARY = "military", "Military"
    INTELLIGENCE = "intelligence", "Intelligence service"
    MINISTRY = "ministry", "Ministry or government department"
    INTERNATIONAL = "international", "International body"
    NGO = "ngo", "Non-governmental organisation"
    COMPANY = "company", "Company"
    FOUNDATION = "foundation", "Foundation"
    ACADEMIC = "academic", "University or academy"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A host, organiser or trainer organisation. Deployment-wide: the same Interpol or
    national police force appears in every agency's records, and this is the registry of
    foreign trainers that no existing system keeps."""

    name = models.CharField(max_length=200)
    country = CountryField(help_text="Where the organisation is based (ISO 3166).")
    org_type = models.CharField("type", max_length=20, choices=OrganisationType.choices)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "country", name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        # CountryField values are Country objects; str() is the ISO code.
        return f"{self.name} ({self.country})" if self.country else self.name


class EmploymentType(models.TextChoices):
    SWORN = "sworn", "Sworn"
    CIVILIAN = "civilian", "Civilian"


class Employee(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="employees")
    serial_number = models.CharField(max_length=20)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    rank = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    employment_type = models.CharField(
        max_length=10, choices=EmploymentType.choices, default=EmploymentType.SWORN
    )
    active = models.BooleanField(default=True)
    # The login of this employee, when they have one ("sees own records").
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "serial_number"], name="employee_serial_unique_per_agency"
            ),
            models.CheckConstraint(
                condition=~Q(serial_number=""), name="employee_serial_not_blank"
            ),
        ]
        indexes = [models.Index(fields=["agency", "last_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} (#{self.serial_number})"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.rank, self.first_name, self.last_name) if p)


class ExternalPerson(models.Model):
    """Someone who is not our employee: an inbound trainee, a foreign instructor, a contact."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="external_persons")
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    position = models.CharField(max_length=200, blank=True)
    country = CountryField(help_text="Nationality or country of the person's service.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "external persons"

    def __str__(self) -> str:
        return self.full_name
