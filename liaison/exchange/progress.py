"""How far a running import has got, and whether someone asked it to stop.

An import writes every row in ONE transaction (all or nothing), so it cannot tell the page
how far it is through the database: its own writes are invisible until it commits, and on
SQLite another writer would wait for it. The progress and the cancel request go through a
file-based cache shared by the web and worker processes on the host instead
(``settings.CACHES["imports"]``), keyed by the batch's random token.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches

# Long enough for any import; the page falls back to the batch's status after that.
TIMEOUT = 24 * 3600


def _cache() -> Any:
    return caches["imports"]


def report(token: Any, *, phase: str, done: int, total: int) -> None:
    _cache().set(f"progress:{token}", {"phase": phase, "done": done, "total": total}, TIMEOUT)


def read(token: Any) -> dict[str, Any] | None:
    value = _cache().get(f"progress:{token}")
    return value if isinstance(value, dict) else None


def request_cancel(token: Any) -> None:
    _cache().set(f"cancel:{token}", True, TIMEOUT)


def cancel_requested(token: Any) -> bool:
    return bool(_cache().get(f"cancel:{token}"))


def forget(token: Any) -> None:
    _cache().delete_many([f"progress:{token}", f"cancel:{token}"])
