"""One pagination rule for pages and API lists, so both count and slice the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    items: list[Any]
    count: int
    number: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(queryset: QuerySet[Any], *, page: int, page_size: int | None = None,
             clamp: bool = True) -> Page:
    """Slice ``queryset`` to page ``page`` (1-based; out-of-range pages clamp).

    ``clamp=False`` is for the API: a page past the end is empty rather than the last
    page again, so a client that walks pages until it gets none always stops."""
    size = page_size or settings.PAGE_SIZE
    count = queryset.count()
    last = max(1, -(-count // size))
    number = max(1, page) if not clamp else min(max(1, page), last)
    if number > last:
        return Page(items=[], count=count, number=number, page_size=size)
    start = (number - 1) * size
    return Page(items=list(queryset[start : start + size]), count=count, number=number,
                page_size=size)
