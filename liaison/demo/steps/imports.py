"""The imports step: the training unit's own spreadsheet of 2024–25, brought in by the
coordinator through the exchange services (ADR 0022, 0026, 0028), as a user would on
*Activities → Import a spreadsheet*.

``data/training-unit-log-2024-25.csv`` (written by ``make_source.py``) is a file in the
exchange format (docs/import.md): ten activities that started after the Inspector
General's period (it ends 1 August 2024, so the review's figures do not move), with
participants from the demo's people by serial number (one by name only, as the log
wrote him), hosts and organisers from the registry, funding, approvals on record, and
evaluation reports. The ``coordinator`` sign-in uploads it (``import_batch_create``),
checks it (the dry run, ``import_batch_check``) and imports it (``import_batch_run``), so
the batch, each record's provenance ("Imported from training-unit-log-2024-25.csv, row 2")
and the history name her.

Idempotent: a batch of this agency with the file's SHA-256 that was imported is the file
already here; nothing is uploaded or checked again (a check alone writes history).
"""

from __future__ import annotations

import hashlib

from liaison.demo.context import DATA_DIR, DemoContext
from liaison.exchange.models import BatchStatus, ImportBatch
from liaison.exchange.services import import_batch_check, import_batch_create, import_batch_run

FILE_NAME = "training-unit-log-2024-25.csv"
# The sign-in the import is recorded as: a coordinator a visitor can sign in as.
IMPORTER = "coordinator"


class DemoImportRefused(Exception):
    """The demo's own file did not pass the check or the import: the source is wrong."""


def imported_batch(ctx: DemoContext, content: bytes) -> ImportBatch | None:
    """The batch that already brought ``content`` in, if any."""
    return ImportBatch.objects.filter(
        agency=ctx.agency,
        sha256=hashlib.sha256(content).hexdigest(),
        status=BatchStatus.IMPORTED,
    ).first()


def load(ctx: DemoContext) -> None:
    assert ctx.agency is not None
    content = (DATA_DIR / FILE_NAME).read_bytes()
    done = imported_batch(ctx, content)
    if done is not None:
        ctx.report.count("import batches", False)
        for _ in range(done.created):
            ctx.report.count("imported records", False)
        return
    coordinator = ctx.logins[IMPORTER]
    batch = import_batch_create(
        actor=coordinator, agency=ctx.agency, file_name=FILE_NAME, content=content
    )
    batch = import_batch_check(actor=coordinator, batch=batch)
    if batch.status != BatchStatus.CHECKED:
        raise DemoImportRefused(f"{FILE_NAME}: {batch.get_status_display()}: {batch.errors}")
    batch = import_batch_run(actor=coordinator, batch=batch)
    if batch.status != BatchStatus.IMPORTED:
        raise DemoImportRefused(f"{FILE_NAME}: {batch.get_status_display()}: {batch.errors}")
    ctx.report.count("import batches", True)
    for _ in range(batch.created):
        ctx.report.count("imported records", True)
