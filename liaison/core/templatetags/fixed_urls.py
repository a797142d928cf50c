"""``{% route 'name' %}`` and ``{% asset 'path' %}``: ``{% url 'name' %}`` (no arguments)
and ``{% static 'path' %}``, remembered per process.

``base.html`` writes about twenty URLs and seven asset paths on every page. Each
``{% url %}`` is a ``reverse()`` (~50 µs with its translation and script-prefix look-ups)
and each ``{% static %}`` a storage call, together about a tenth of the list page's CPU
(bench/README.md, "Issue 5: the list page, 2026-12-06 (second pass)"). Neither changes
while the process runs, except with the script prefix, the URLconf or the language, which
are part of the key; a settings change (tests' ``override_settings``) empties both. The
output is escaped exactly as the built-in tags escape theirs (``simple_tag`` applies
``conditional_escape`` when autoescaping is on, as ``URLNode`` and ``StaticNode`` do).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

register = template.Library()

# Keys are template literals times prefixes and languages: a few hundred at most. The bound
# only guards against a template that passes a variable.
KEEP = 1024
_routes: dict[tuple[Any, ...], str] = {}
_assets: dict[tuple[Any, ...], str] = {}


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _routes.clear()
    _assets.clear()


def _keep(store: dict[tuple[Any, ...], str], key: tuple[Any, ...], value: str) -> str:
    if len(store) >= KEEP:
        store.clear()
    store[key] = value
    return value


@register.simple_tag
def route(name: str) -> str:
    """What ``{% url name %}`` writes for a URL that takes no arguments."""
    key = (name, get_script_prefix(), get_urlconf(), translation.get_language())
    url = _routes.get(key)
    return url if url is not None else _keep(_routes, key, reverse(name))


@register.simple_tag
def asset(path: str) -> str:
    """What ``{% static path %}`` writes."""
    key = (path, get_script_prefix())
    url = _assets.get(key)
    return url if url is not None else _keep(_assets, key, static(path))
