from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "liaison.records"
    verbose_name = "Records"

    def ready(self) -> None:
        """Chain every audit row as it is written (ADR 0023).

        These receivers are the exception to the house rule against signals, and why:
        history rows are written by django-simple-history inside the save that the service
        makes (its ``post_create_historical_record`` signals are the library's documented
        hook), and the authentication log is written in ``accounts``, which may not import
        ``records`` (import layers). Each receiver runs in the writer's transaction."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, post_save
        from simple_history.signals import (
            post_create_historical_m2m_records,
            post_create_historical_record,
        )

        from liaison.accounts.models import AuthEvent
        from liaison.records import exports

        post_create_historical_record.connect(_history_row_written, dispatch_uid="audit_chain")
        post_create_historical_m2m_records.connect(
            _m2m_history_rows_written, dispatch_uid="audit_chain_m2m"
        )
        post_save.connect(_auth_event_written, sender=AuthEvent, dispatch_uid="audit_chain_auth")
        connection_created.connect(_sqlite_guard_function, dispatch_uid="audit_guard_sqlite")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="audit_guard_install")
        exports.register_specs()


def _history_row_written(sender: Any, history_instance: Any, using: Any = None, **_: Any) -> None:
    from liaison.records.audit_chain import chain_append

    chain_append([history_instance], using=history_instance._state.db)


def _m2m_history_rows_written(sender: Any, created_rows: Any, **_: Any) -> None:
    from liaison.records.audit_chain import chain_append

    chain_append(list(created_rows))


def _auth_event_written(
    sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any
) -> None:
    from liaison.records.audit_chain import chain_append

    if created and not raw:
        chain_append([instance], using=instance._state.db)


def _sqlite_guard_function(sender: Any, connection: Any, **_: Any) -> None:
    """The SQLite guard asks ``liaison_audit_guard_off()``: false unless a test's flush
    (conftest.py) or ``records.tests.guard.guard_suspended`` set the flag on this
    connection. Other clients lack the function, so their UPDATE or DELETE fails."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "liaison_audit_guard_off",
            0,
            lambda: int(bool(getattr(connection, "audit_guard_off", False))),
        )


def _after_migrate(sender: Any, using: str = "default", **_: Any) -> None:
    """Guard every audit table (a new app's history tables; SQLite tables a migration
    rebuilt lose their triggers), and on the first migrate after the chain was introduced
    chain the rows written before it (ADR 0023, "Rows from before the chain")."""
    from django.db import connections

    from liaison.records.audit_chain import backfill, install_guards
    from liaison.records.models import AuditLink

    connection = connections[using]
    if "records_auditlink" not in connection.introspection.table_names():
        return  # a partial migrate that stopped before the chain's migration
    install_guards(connection)
    if not AuditLink.objects.using(using).exists():
        backfill(using=using)
