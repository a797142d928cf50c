"""Template filters every page uses, so that a date, a time and a record number read the
same everywhere: ``{% load liaison %}`` then ``{{ activity.start_date|day }}`` ("13 Jan
2014"), ``{{ entry.when|moment }}`` ("13 Jan 2014, 14:05 PST", in the department's time
zone) and ``{{ activity.pk|record_number }}`` ("A-000123"). The API gives ISO 8601."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

DAY_FORMAT = "j M Y"
MOMENT_FORMAT = "j M Y, H:i T"


@register.filter
def day(value: Any) -> str:
    """A date as "13 Jan 2014" (a datetime is first put in the department's zone)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, DAY_FORMAT)


@register.filter
def moment(value: Any) -> str:
    """A point in time as "13 Jan 2014, 14:05 PST": local time, with its zone."""
    if not value:
        return ""
    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    return date_format(timezone.localtime(aware), MOMENT_FORMAT)


@register.filter
def record_number(pk: Any) -> str:
    """An activity's record number as people quote it: "A-000123"."""
    try:
        return f"A-{int(pk):06d}"
    except (TypeError, ValueError):
        return ""
