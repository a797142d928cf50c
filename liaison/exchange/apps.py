from typing import Any

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Activities in and out as files: the exchange format, exports and legacy imports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "liaison.exchange"
    verbose_name = "Import and export"

    def ready(self) -> None:
        from liaison.core.tabular import register
        from liaison.exchange.spec import ACTIVITIES

        register(ACTIVITIES)
        from django.db.models.signals import post_migrate

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="export_line_triggers")


def _after_migrate(sender: Any, using: str = "default", **_: Any) -> None:
    """Put the export lines' triggers on their source tables after every migrate: a new
    column or a table a SQLite migration rebuilt (which drops its triggers). If one was
    missing, every stored line is marked stale (ADR 0031)."""
    from django.db import connections

    from liaison.exchange.lines import install_triggers

    install_triggers(connections[using])
