"""Deployment checks (`manage.py check --deploy`): refuse development defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE.",
                id="liaison.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on.", hint="Unset DEBUG in production.", id="liaison.E002"))
    return errors
