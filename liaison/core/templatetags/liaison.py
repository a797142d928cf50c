"""Template filters every page uses, so that a date, a time and a record number read the
same everywhere: ``{% load liaison %}`` then ``{{ activity.start_date|day }}`` ("13 Jan
2014"), ``{{ entry.when|moment }}`` ("13 Jan 2014, 14:05 PST", in the department's time
zone) and ``{{ activity.pk|record_number }}`` ("A-000123"). The API gives ISO 8601."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

DAY_FORMAT = "j M Y"
MOMENT_FORMAT = "j M Y, H:i T"


@functools.lru_cache(maxsize=16)
def _month_abbreviations(language: str | None) -> tuple[str, ...]:
    # What the "M" of DAY_FORMAT writes for each month, in the active language.
    return ("", *(date_format(dt.date(2000, month, 1), "M") for month in range(1, 13)))


@register.filter
def day(value: Any) -> str:
    """A date as "13 Jan 2014" (a datetime is first put in the department's zone).

    Written directly rather than through ``dateformat.format``, which cost ~0.1 ms a date
    on the list page's 50 dates (the test compares both for every kind of date)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    months = _month_abbreviations(translation.get_language())
    return f"{value.day} {months[value.month]} {value.year:04d}"


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


@register.simple_tag
def form_field(field: Any, group_class: str = "", combo_box: bool = False) -> SafeString:
    """``includes/field.html`` written in Python, for the busiest pages' filter forms.

    The same markup as ``{% include "includes/field.html" with field=… %}`` (a test renders
    both for every field of the filter forms, valid and invalid, and compares them); the
    include costs ~0.2 ms a field through the template engine, and a fieldset of check
    boxes ~1 ms, which the list page paid on every request (bench/README.md)."""
    if field.is_hidden:
        return format_html("{}", field)
    errors = field.errors
    group = "usa-form-group" + (" usa-form-group--error" if errors else "")
    if group_class:
        group += f" {group_class}"
    auto_id = field.auto_id
    error_html = format_html_join(
        "",
        '<span class="usa-error-message" id="{}_error">{}</span>',
        ((auto_id, e) for e in errors),
    )
    hint = (
        format_html('<div class="usa-hint" id="{}_helptext">{}</div>', auto_id, field.help_text)
        if field.help_text
        else ""
    )
    widget_type = field.widget_type
    if widget_type == "checkbox":
        return format_html(
            '<div class="{}">{}<div class="usa-checkbox">{}'
            '<label class="usa-checkbox__label" for="{}">{}</label></div>{}</div>',
            group,
            error_html,
            field,
            field.id_for_label,
            field.label,
            hint,
        )
    if field.use_fieldset:
        kind = "usa-radio" if widget_type == "radioselect" else "usa-checkbox"
        described = field.aria_describedby
        choices = format_html_join(
            "",
            '<div class="{}">{}<label class="{}__label" for="{}">{}</label></div>',
            ((kind, c.tag(), kind, c.id_for_label, c.choice_label) for c in field),
        )
        return format_html(
            '<div class="{}"><fieldset class="usa-fieldset"{}>'
            '<legend class="usa-legend{}">{}</legend>{}{}{}</fieldset></div>',
            group,
            format_html(' aria-describedby="{}"', described) if described else "",
            " usa-label--error" if errors else "",
            field.label,
            hint,
            error_html,
            choices,
        )
    control = format_html('<div class="usa-combo-box">{}</div>', field) if combo_box else field
    return format_html(
        '<div class="{}"><label class="usa-label{}" for="{}">{}</label>{}{}{}</div>',
        group,
        " usa-label--error" if errors else "",
        field.id_for_label,
        field.label,
        hint,
        error_html,
        control,
    )


EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))


@register.inclusion_tag("includes/downloads.html", takes_context=True)
def download_links(context: Any, url: str, what: str) -> dict[str, Any]:
    """ "Download CSV / XLSX / JSON" links to ``url`` (a list's export view) carrying the
    list's current filters: the query string without ``page`` (an export is every page)
    and without a previous ``format``."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    links = []
    for fmt, label in EXPORT_FORMATS:
        if query is not None:
            params = query.copy()
            params.pop("page", None)
            params["format"] = fmt
            href = f"{url}?{params.urlencode()}"
        else:
            href = f"{url}?format={fmt}"
        links.append((href, label))
    return {"links": links, "what": what}
