"""Writing the read log (``RestrictedRead``): one function for every door and every app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

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
    change). The one function the records issue's audit trail may adopt."""
    _read_row(
        user=user, obj=obj, door=door, path=path, at=timezone.now(), agency_id=agency_id
    ).save()


def log_restricted_reads(
    *, user: Any, objs: Iterable[models.Model], door: str, path: str = ""
) -> None:
    """``log_restricted_read`` for each row a list shows (one insert)."""
    now = timezone.now()
    rows = [_read_row(user=user, obj=o, door=door, path=path, at=now) for o in objs]
    RestrictedRead.objects.bulk_create(rows)
