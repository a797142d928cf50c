"""What the department's records say about themselves: the log of reads of restricted data.

The home of the audit and retention machinery (STYLE.md: ``records`` may be called by any
service). Today: ``RestrictedRead``, written by ``services.log_restricted_read`` from every
app that shows restricted records (vetting, risk assessments).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from liaison.accounts.models import Agency


class Door(models.TextChoices):
    PAGE = "page", "Page"
    API = "api", "API"


class RestrictedRead(models.Model):
    """One read of restricted data: who, when, which record, through which door.

    Append-only and written by ``records.services.log_restricted_read(s)`` alone, for every
    kind of restricted record (vetting, contacts, trainees, risk assessments' concerns); it
    keeps no history of its own (it *is* the history of reads; tests/test_history.py names
    the reason). The hash-chained audit trail (issue 9) may adopt these rows as they are."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    door = models.CharField(max_length=4, choices=Door.choices)
    path = models.CharField("address", max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(door__in=Door.values), name="read_door_valid"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="read_object")]

    def __str__(self) -> str:
        return f"{self.user} read {self.object_repr} ({self.door})"
