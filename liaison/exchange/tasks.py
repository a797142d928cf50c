"""Large imports run in the task worker (``manage.py db_worker``), like the reports' mail:
enqueued on commit, so the worker never looks for a batch that was not saved."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.tasks import task


@task
def check_import(*, batch_id: int, user_id: int) -> str:
    """The dry run of a batch; returns its status."""
    from liaison.exchange.models import BatchStatus, ImportBatch
    from liaison.exchange.services import import_batch_check

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.CHECKING:
        return str(batch.status)  # cancelled before the worker reached it
    user = get_user_model().objects.get(pk=user_id)
    return str(import_batch_check(actor=user, batch=batch).status)


@task
def run_import(*, batch_id: int, user_id: int) -> str:
    """The import of a checked batch; returns its status."""
    from liaison.exchange.models import BatchStatus, ImportBatch
    from liaison.exchange.services import import_batch_run

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return str(batch.status)  # cancelled before the worker reached it
    user = get_user_model().objects.get(pk=user_id)
    return str(import_batch_run(actor=user, batch=batch).status)


@task
def refresh_export_lines(*, batch: int = 2000) -> int:
    """Store the activity export's missing lines (ADR 0031); returns how many were
    written. Enqueued by an export that met missing lines; ``manage.py
    refresh_export_lines`` does the same from a timer."""
    from liaison.exchange.lines import refresh_lines

    return refresh_lines(batch=batch)
