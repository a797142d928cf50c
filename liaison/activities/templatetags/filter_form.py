"""``{% filter_form form filters_applied %}``: the activity list's filter form, rendered once
per form state and then kept.

The form is the same characters for everyone who opens the list with the same filters and
the same choices (its ~290 options, check boxes and inputs cost ~3.5 ms a request, a
quarter of the page; bench/README.md, "Issue 5: the list page, 2026-12-06"). Its HTML
depends only on what ``ActivityFilterForm.state_key`` names — the submitted values and
the choices that vary (categories, the user's years) — plus the language and the URL
prefix, so a kept copy is never stale: a renamed category or a new year changes the key.
Nothing user-specific beyond those choices is in the form (no CSRF token: it is a GET
form). The kept copies are bounded (``KEEP``, oldest dropped first) and per process.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString

from liaison.activities.forms import ActivityFilterForm

register = template.Library()

TEMPLATE = "activities/_filter_form.html"
KEEP = 256
_kept: dict[tuple[Any, ...], SafeString] = {}


def render_filter_form(form: ActivityFilterForm, filters_applied: bool) -> SafeString:
    """What ``TEMPLATE`` renders for ``form``, every time (the tests compare with this)."""
    return SafeString(
        render_to_string(TEMPLATE, {"form": form, "filters_applied": bool(filters_applied)})
    )


@register.simple_tag
def filter_form(form: ActivityFilterForm, filters_applied: bool) -> SafeString:
    key = (
        form.state_key(),
        bool(filters_applied),
        translation.get_language(),
        get_script_prefix(),
    )
    html = _kept.get(key)
    if html is None:
        html = render_filter_form(form, filters_applied)
        if len(_kept) >= KEEP:
            _kept.pop(next(iter(_kept)), None)
        _kept[key] = html
    return html
