"""Audited saves: every write names its actor, and the history row says who.

History rows come from django-simple-history (see docs/adr/0004-history.md). A service
passes its ``actor`` here rather than relying on the request middleware, so management
commands and background tasks are attributed too.

One write of one record leaves exactly one history row (tests/test_history.py): a record
saved together with its many-to-many values goes through ``save_audited_with_m2m``, which
would otherwise leave one row for the save and another for each many-to-many change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models.signals import post_save


def save_audited(
    instance: models.Model,
    *,
    actor: Any,
    reason: str = "",
    validate: bool = True,
    exclude: list[str] | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """``full_clean()`` then save ``instance``, attributing the history row to ``actor``.
    ``update_fields``: only those columns are written (a saved instance whose other
    columns did not change, e.g. an import batch's stored file)."""
    if validate:
        instance.full_clean(exclude=exclude)
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


def save_audited_with_m2m(
    instance: models.Model,
    *,
    actor: Any,
    set_m2m: Callable[[], None],
    reason: str = "",
) -> None:
    """Save ``instance`` (already validated), then its many-to-many values through
    ``set_m2m``, and record the two as ONE history row whose many-to-many snapshot is the
    new one. django-simple-history writes a row per save and another per many-to-many
    change; this suppresses both and writes the row once, at the end, by sending the
    ``post_save`` that the history listens to (no other receiver listens on our models:
    the house rule forbids signals)."""
    created = instance._state.adding
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        instance.save()
        set_m2m()
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=created,
        update_fields=None,
        raw=False,
        using=instance._state.db,
    )


def delete_audited(instance: models.Model, *, actor: Any, reason: str = "") -> None:
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()
