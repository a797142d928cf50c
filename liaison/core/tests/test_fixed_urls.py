"""``{% route %}`` and ``{% asset %}`` write what ``{% url %}`` and ``{% static %}`` write:
the templates that use them render the same characters with the built-in tags put back,
including under a script prefix, after a settings change and in any order."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

import liaison

TEMPLATES = [
    "templates/base.html",
    "activities/templates/activities/list.html",
    "activities/templates/activities/_results.html",
]
ROOT = Path(liaison.__file__).resolve().parent


def _sources(name: str) -> tuple[str, str]:
    """The template as it is, and the same template with the built-in tags."""
    source = (ROOT / name).read_text()
    builtin = re.sub(r"{% route ('[^']+') %}", r"{% url \1 %}", source)
    builtin = re.sub(r"{% asset ('[^']+') %}", r"{% static \1 %}", builtin)
    builtin = builtin.replace("{% load ", "{% load static ", 1)
    return source, builtin


def _render(source: str) -> str:
    # Only the tags matter here: the blocks and includes are rendered empty.
    source = re.sub(r"{% (extends|include|filter_form) [^%]*%}", "", source)
    caps = SimpleNamespace(**dict.fromkeys(
        ["signed_in", "can_import", "can_create_activity", "can_manage_reference_data",
         "can_see_people", "can_see_oversight", "can_see_outcomes", "can_see_vetting",
         "can_see_read_log"], True))  # fmt: skip
    page = SimpleNamespace(items=[1], count=1, num_pages=1, count_display="1")
    context = {
        "caps": caps,
        "nav": "activities",
        "user": SimpleNamespace(get_username=lambda: "someone"),
        "page": page,
        "rows": [],
        "request": SimpleNamespace(GET=SimpleNamespace(urlencode="q=a%26b")),
        "SITE_NAME": "Liaison",
    }
    return Template(source, engine=Engine.get_default()).render(Context(context))


def test_every_route_and_asset_is_used() -> None:
    for name in TEMPLATES:
        source, _builtin = _sources(name)
        assert "{% url '" not in source and "{% static '" not in source, name
        if name.endswith("base.html"):
            assert source.count("{% route ") >= 10 and source.count("{% asset ") >= 5


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("prefix", ["/", "/liaison/"])
def test_same_characters_as_the_builtin_tags(name: str, prefix: str) -> None:
    source, builtin = _sources(name)
    set_script_prefix(prefix)
    try:
        for _ in range(2):  # the second render reads what the first remembered
            assert _render(source) == _render(builtin)
        with override_settings(STATIC_URL="/elsewhere/"):
            rendered = _render(source)
            assert rendered == _render(builtin)
            if name.endswith("base.html"):
                assert "/elsewhere/" in rendered
        assert _render(source) == _render(builtin)
    finally:
        clear_script_prefix()
