"""Imports of legacy spreadsheets: one ``ImportBatch`` per uploaded file, and one
``ImportedRecord`` per activity it brought in (its key in the source and its row).

An activity's own ``source`` says "FILE, row N" for a reader (the activity page's
provenance box); the ``ImportedRecord`` is the same fact as data: the batch (file name,
SHA-256, who, when), the row number, and the key a re-import is matched by.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, not yet checked"
    CHECKING = "checking", "Checking every row"
    CHECKED = "checked", "Checked: ready to import"
    REFUSED = "refused", "Checked: errors to fix"
    QUEUED = "queued", "Waiting to import"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported: errors found while importing"
    CANCELLED = "cancelled", "Cancelled: nothing imported"


# The statuses in which work may still be under way (the page keeps polling).
RUNNING_STATUSES = (BatchStatus.CHECKING, BatchStatus.QUEUED, BatchStatus.IMPORTING)
FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"))


class ImportBatch(models.Model):
    """One uploaded file and what became of it. The file itself is kept (``content``) so
    the background task reads exactly the bytes whose SHA-256 is recorded, and so the
    batch can be checked again or audited later."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=FORMATS)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    rows = models.PositiveIntegerField(default=0, help_text="Data rows in the file.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Every problem found: {"row", "column", "value", "message"} (the downloadable report).
    errors = models.JSONField(default=list, blank=True)
    # What each row would do or did: [row, action, source_system, source_id, title].
    plan = models.JSONField(default=list, blank=True)
    # The participant names the last check could not settle (ADR 0028): {"row", "participant",
    # "column", "value", "name", "candidates": [employee ids]}, for the review step.
    ambiguous = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["content", "plan", "errors", "ambiguous"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="importbatch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="importbatch_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATUSES


class ImportedRecord(models.Model):
    """An activity that came in from a row of a batch, keyed by where it came from:
    ``(agency, source_system, source_id)`` is unique, so a re-import finds it again."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="import_record"
    )
    source_system = models.CharField(max_length=100)
    source_id = models.CharField(max_length=100)
    row_number = models.PositiveIntegerField(help_text="The file's row (the header is row 1).")
    # SHA-256 of the row's cells: the same row in a later file is recognised as unchanged.
    row_sha256 = models.CharField("row SHA-256", max_length=64)
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source_system", "source_id"], name="importedrecord_key_once"
            ),
            models.CheckConstraint(
                condition=~Q(source_system="") & ~Q(source_id=""), name="importedrecord_keyed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_system} {self.source_id} (row {self.row_number})"


class MatchResolution(models.Model):
    """The coordinator's answer for one ambiguous participant of a batch (the review step,
    ADR 0028): which employee the name means, or none of them (``employee`` empty: the
    row stays an error). The next check and the import apply it; the batch's file never
    changes, so row + participant position name the same cell for good."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="resolutions")
    row_number = models.PositiveIntegerField(help_text="The file's row (the header is row 1).")
    participant = models.PositiveIntegerField(
        help_text="The participant's position in the row's participants cell (from 1)."
    )
    value = models.CharField(max_length=500, help_text="The participant as the file writes it.")
    employee = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The employee chosen; empty: none of the candidates.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "row_number", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "row_number", "participant"], name="matchresolution_once"
            ),
        ]

    def __str__(self) -> str:
        chosen = str(self.employee) if self.employee_id else "none of these"
        return f"row {self.row_number}, participant {self.participant}: {chosen}"


class ExportLine(models.Model):
    """An activity's line of the CSV export, as the export's one Python path wrote it
    (ADR 0031): a materialised rendered row, read by the CSV export instead of the
    activity's relations.

    Database triggers on every table a line is made from (``exchange.lines.SOURCES``)
    set ``line`` to NULL and raise ``stamp`` when a source row changes; the refresh
    (``manage.py refresh_export_lines``) writes a line only if the stamp it read before
    reading the activity is still the row's stamp, so a line is never stored stale.
    ``format`` is the fingerprint of the code that wrote the line (``lines.line_format``):
    a line of another format is read as missing."""

    # A cache of what the records say, not a record: retention neither hashes it into a
    # tombstone nor keeps it (the activity's delete trigger removes it).
    derived_from_records = True

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, primary_key=True, related_name="export_line"
    )
    # NULL: marked stale by a trigger (not the empty text: a line is never empty).
    line = models.TextField(null=True, blank=True)  # noqa: DJ001
    format = models.CharField(max_length=16, default="", blank=True)
    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"export line of activity {self.activity_id}"
