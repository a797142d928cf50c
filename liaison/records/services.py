"""Writing the read log (``RestrictedRead``): one function for every door and every app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from liaison.records.audit_chain import chain_append
from liaison.records.models import Door, RestrictedRead


def _read_row(
    *,
    user: Any,
    obj: models.Model,
    door: str,
    path: str,
    at: dt.datetime,
    agency_id: int | None = None,
) -> RestrictedRead:
    if door not in Door.values:
        raise ValueError(f"Unknown door {door!r}.")
    return RestrictedRead(
        user=user,
        at=at,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        # The record's agency: its own, or the one the caller names for a record that
        # reaches its agency through another (an assessment through its activity).
        agency_id=agency_id if agency_id is not None else obj.agency_id,  # type: ignore[attr-defined]
        door=door,
        path=path[:300],
    )


def log_restricted_read(
    *, user: Any, obj: models.Model, door: str, path: str = "", agency_id: int | None = None
) -> None:
    """Record that ``user`` read the restricted record ``obj`` through ``door`` ("page"
    or "api"). Called by every view and API handler that shows restricted data, after the
    access check and before the answer leaves; not a history row (it records a read, not a
    change). Each row is chained into the audit trail in the same transaction (ADR 0023)."""
    row = _read_row(
        user=user, obj=obj, door=door, path=path, at=timezone.now(), agency_id=agency_id
    )
    with transaction.atomic():
        row.save()
        chain_append([row])


def log_restricted_reads(
    *, user: Any, objs: Iterable[models.Model], door: str, path: str = ""
) -> None:
    """``log_restricted_read`` for each row a list shows (one insert)."""
    now = timezone.now()
    rows = [_read_row(user=user, obj=o, door=door, path=path, at=now) for o in objs]
    with transaction.atomic():
        # bulk_create sets the ids on both databases (RETURNING), which the links name.
        chain_append(RestrictedRead.objects.bulk_create(rows))
