"""The worker warm-up (gunicorn.conf.py) compiles what it names and serves nothing."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core import warmup

CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


@pytest.mark.django_db
def test_gunicorns_post_worker_init_warms_without_reading_or_writing_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[float] = []
    original = warmup.warm
    monkeypatch.setattr(warmup, "warm", lambda: calls.append(original()))
    hooks: dict[str, Any] = runpy.run_path(str(CONF))

    with CaptureQueriesContext(connection) as queries:
        hooks["post_worker_init"](object())

    assert len(calls) == 1 and calls[0] >= 0
    assert queries.captured_queries == []


def test_every_template_it_names_exists() -> None:
    from django.template.loader import get_template

    for name in warmup.TEMPLATES:
        get_template(name)  # raises TemplateDoesNotExist for a stale name
