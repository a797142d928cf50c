"""History rows for records written in sets (ADR 0026): the same rows, attributed and
chained, that one ``save_audited`` per record leaves, in a few statements.

``save_audited`` leaves one django-simple-history row per record (its actor, its reason)
and the audit chain links it (``apps.py``'s receiver, one ``chain_append`` per row). A
bulk import writes thousands of records with ``bulk_create``, which sends no signal:
``history_bulk_create`` writes their history rows with the library's own
``bulk_history_create`` and links them with ONE ``chain_append`` call (the chain already
takes a batch), so ``verify`` reads a bulk-written trail like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from liaison.records.audit_chain import chain_append


def history_rows(
    objs: Sequence[models.Model],
    *,
    actor: Any,
    reason: str | None = None,
    when: dt.datetime | None = None,
) -> list[models.Model]:
    """Write a "created" history row for each of ``objs`` (saved, with their pks), by
    ``actor``, with ``reason`` unless the object carries its own ``_change_reason`` (as
    ``save_audited`` reads it; none: NULL, as ``save_audited`` without a reason leaves).
    The rows are returned, not yet chained: pass them, with any others of the same
    write, to ``chain``."""
    if not objs:
        return []
    manager: Any = type(objs[0]).history  # type: ignore[attr-defined]
    rows = manager.bulk_history_create(
        objs,
        default_user=actor,
        default_change_reason=reason,
        default_date=when or timezone.now(),
    )
    return list(rows)


def chain(rows: Sequence[models.Model]) -> None:
    """Link ``rows`` (saved history rows of any audited tables) into the audit chain in
    one batch, in the current transaction."""
    if rows:
        chain_append(list(rows))
