"""One pagination rule for pages and API lists, so both count and slice the same way.

Counting is capped (``LIST_COUNT_LIMIT``, default 1,000): an exact ``COUNT(*)`` of a broad
filter over a million activities is a scan of every match (150+ ms on PostgreSQL, seconds
on SQLite; bench/README.md), while "more than 1,000" answers the reader's question just as
well. Beyond the cap, pages are still served; ``has_next`` comes from fetching one row
more than the page holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    items: list[Any]
    count: int  # exact, or the cap when ``count_is_exact`` is false
    number: int
    page_size: int
    count_is_exact: bool = True
    has_more: bool = False  # only meaningful when the count is capped

    @property
    def num_pages(self) -> int:
        counted = max(1, -(-self.count // self.page_size))
        if self.count_is_exact:
            return counted
        return max(counted, self.number + (1 if self.has_more else 0))

    @property
    def has_next(self) -> bool:
        return self.has_more if not self.count_is_exact else self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def count_display(self) -> str:
        return f"{self.count:,}" if self.count_is_exact else f"more than {self.count:,}"

    @property
    def num_pages_display(self) -> str:
        return str(self.num_pages) if self.count_is_exact else f"at least {self.num_pages}"


def count_capped(queryset: QuerySet[Any], limit: int) -> int:
    """``COUNT`` over at most ``limit`` + 1 rows of ``queryset``: the database stops as
    soon as it knows. Only the key is selected, so a row annotation (e.g. the list's
    started-without-approval flag) is not computed for the rows counted."""
    to_count = queryset.order_by()
    # Plain rows, not groups or a values() query (whose rows are not one per key).
    if to_count.query.group_by is None and not getattr(to_count, "_fields", None):
        to_count = to_count.values("pk")
    return to_count[: limit + 1].count()


def paginate(
    queryset: QuerySet[Any],
    *,
    page: int,
    page_size: int | None = None,
    clamp: bool = True,
    count_limit: int | None = None,
) -> Page:
    """Slice ``queryset`` to page ``page`` (1-based; out-of-range pages clamp).

    ``clamp=False`` is for the API: a page past the end is empty rather than the last
    page again, so a client that walks pages until it gets none always stops."""
    return paginate_reads(
        lambda limit: count_capped(queryset, limit),
        lambda start, stop: list(queryset[start:stop]),
        page=page,
        page_size=page_size,
        clamp=clamp,
        count_limit=count_limit,
    )


def paginate_reads(
    count: Callable[[int], int],
    rows: Callable[[int, int], list[Any]],
    *,
    page: int,
    page_size: int | None = None,
    clamp: bool = True,
    count_limit: int | None = None,
) -> Page:
    """``paginate`` with its two reads given as functions: ``count(limit)`` answers what
    ``count_capped`` answers, ``rows(start, stop)`` the rows of that slice in order (the
    activity list page reads both through kept statements, ``core/statements.py``)."""
    size = page_size or settings.PAGE_SIZE
    limit = settings.LIST_COUNT_LIMIT if count_limit is None else count_limit
    counted = count(limit)
    if counted > limit:
        number = max(1, page)
        start = (number - 1) * size
        found = rows(start, start + size + 1)
        return Page(
            items=found[:size],
            count=limit,
            number=number,
            page_size=size,
            count_is_exact=False,
            has_more=len(found) > size,
        )
    last = max(1, -(-counted // size))
    number = max(1, page) if not clamp else min(max(1, page), last)
    if number > last:
        return Page(items=[], count=counted, number=number, page_size=size)
    start = (number - 1) * size
    return Page(items=rows(start, start + size), count=counted, number=number, page_size=size)
