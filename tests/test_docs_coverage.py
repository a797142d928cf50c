"""Undocumented means unfinished (STYLE.md rule 12): these fail when a setting, an API
endpoint or a history-keeping model is added without its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def _read(relative: str) -> str:
    return (ROOT / relative).read_text()


def test_every_environment_setting_is_in_the_readme_configuration_table() -> None:
    settings_source = _read("liaison/settings.py")
    names = set(re.findall(r'env(?:_bool)?\("([A-Z_]+)"', settings_source))
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG"} <= names  # the scan itself works
    readme = _read("README.md")
    missing = sorted(n for n in names if f"| `{n}` |" not in readme)
    assert not missing, f"settings missing from README's configuration table: {missing}"


@pytest.mark.django_db
def test_every_api_operation_is_in_docs_api_md() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    api_doc = _read("docs/api.md")
    missing = []
    for path, operations in document["paths"].items():
        short = path.removeprefix("/api/v1")
        for method in operations:
            if f"{method.upper()} {short}" not in api_doc:
                missing.append(f"{method.upper()} {short}")
    assert document["paths"], "the OpenAPI document lists no paths"
    assert not missing, f"endpoints missing from docs/api.md: {missing}"


def test_every_model_with_history_is_in_docs_audit_events_md() -> None:
    audit_doc = _read("docs/audit-events.md")
    historical = sorted(
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m.__name__.startswith("Historical")
        and m._meta.app_label != "simple_history"
        and "_" not in m.__name__
    )
    assert historical
    missing = [name for name in historical if f"`{name}`" not in audit_doc]
    assert not missing, f"history models missing from docs/audit-events.md: {missing}"
