"""Audited saves: every write names its actor, and the history row says who.

History rows come from django-simple-history (see docs/adr/0004-history.md). A service
passes its ``actor`` here rather than relying on the request middleware, so management
commands and background tasks are attributed too.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def save_audited(
    instance: models.Model,
    *,
    actor: Any,
    reason: str = "",
    validate: bool = True,
    exclude: list[str] | None = None,
) -> None:
    """``full_clean()`` then save ``instance``, attributing the history row to ``actor``."""
    if validate:
        instance.full_clean(exclude=exclude)
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()


def delete_audited(instance: models.Model, *, actor: Any, reason: str = "") -> None:
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()
