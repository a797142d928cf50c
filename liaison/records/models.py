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


# --- the tamper-evident audit trail (issue 9 part 3, ADR 0023) --------------------------


class AuditLink(models.Model):
    """One link of the hash chain over every audit row (history rows of every app,
    ``RestrictedRead``, ``accounts.AuthEvent``, ``DestructionPermit``).

    ``hash = sha256(prev_hash, seq, table_name, row_id, content_hash, schema)``, where
    ``content_hash`` is the SHA-256 of the row's canonical JSON (``audit_chain.canonical``)
    over the columns ``schema`` names (``AuditSchema``). Written by
    ``audit_chain.chain_append`` alone, in the transaction that writes the row; never
    updated or deleted (a database trigger refuses both). A row destroyed under retention
    keeps its link: the chain stays whole and the link proves what was there."""

    seq = models.BigIntegerField(primary_key=True)
    table_name = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    schema = models.CharField(max_length=16, help_text="AuditSchema.key of the hashed columns.")
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["table_name", "row_id"], name="auditlink_one_per_row")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.table_name}:{self.row_id}"


class AuditChainHead(models.Model):
    """The chain's last link (one row, id 1): locked by every append, so writers extend
    the chain one at a time (``UPDATE … RETURNING`` takes the row lock on PostgreSQL;
    SQLite serialises writers anyway). Verification checks that the last link is this."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditSchema(models.Model):
    """A set of columns a table's rows were hashed over, so that a column added later by
    a migration does not make older rows look changed: each link names the set it used."""

    key = models.CharField(max_length=16, primary_key=True)
    table_name = models.CharField(max_length=63)
    columns = models.TextField(help_text="Column names, comma-separated, in hashing order.")

    def __str__(self) -> str:
        return f"{self.table_name} [{self.key}]"


class DestructionPermit(models.Model):
    """Leave for one audit row to be deleted: granted by
    ``audit_chain.destroy_under_retention`` in the transaction that deletes the row, and
    consulted by the DELETE trigger on every audit table. Itself an audit row (chained,
    never changed). Verification accepts a missing row that has a permit."""

    table_name = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    tombstone_id = models.CharField(
        max_length=64, help_text="The retention tombstone that accounts for the destruction."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table_name", "row_id"], name="destructionpermit_one_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"permit {self.table_name}:{self.row_id} (tombstone {self.tombstone_id})"
