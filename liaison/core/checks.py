"""Deployment checks (`manage.py check --deploy`): refuse development defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY_REFUSED = (
    "Liaison refuses to serve with DEBUG off and the development SECRET_KEY: set SECRET_KEY "
    "(or SECRET_KEY_FILE) to a long random value, or DEBUG=1 on a development machine."
)


def refuse_development_key() -> None:
    """Called by ``liaison.wsgi`` and ``liaison.asgi`` before they build the application:
    a production server never starts with the key that is published in this repository
    (anyone could forge its sessions and password-reset links). Management commands still
    run, so that ``make migrate`` works on a fresh checkout; ``check --deploy`` refuses
    the key too (``liaison.E001``)."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(DEVELOPMENT_KEY_REFUSED)


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
