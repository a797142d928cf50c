"""Backing up and restoring the database (docs/backup.md).

SQLite: the online backup API (``sqlite3.Connection.backup``), which copies a consistent
snapshot while the application keeps running, page by page, and copies back the same way.
PostgreSQL: ``pg_dump -Fc`` (custom format, compressed, restorable table by table) and
``pg_restore --clean``. The connection settings reach the tools through the environment
(``PGHOST``, ``PGPASSWORD``…), never on the command line, where other users of the machine
could read the password in the process list.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why. Nothing changed."""


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_env(alias: str) -> dict[str, str]:
    s = connections[alias].settings_dict
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if s.get(name):
            env[key] = str(s[name])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed).")
    return path


def backup(path: Path, *, alias: str = "default") -> None:
    """Write a consistent copy of the database to ``path`` (which must not exist)."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file.")
    vendor = _vendor(alias)
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        result = subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"],
            env=_pg_env(alias),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"No backup method for a {vendor} database.")


def database_is_empty(*, alias: str = "default") -> bool:
    """True when the database has no tables with rows (a fresh database)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                return False
    return True


def _check_file(path: Path, vendor: str) -> None:
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        head = handle.read(16)
    expected = SQLITE_MAGIC if vendor == "sqlite" else PGDUMP_MAGIC
    if not head.startswith(expected):
        kind = "an SQLite database" if vendor == "sqlite" else "a pg_dump custom-format file"
        raise BackupError(f"{path} is not {kind}; nothing was restored.")


def restore(path: Path, *, force: bool = False, alias: str = "default") -> None:
    """Replace the database with the backup at ``path``. Refuses a database that holds
    data unless ``force``; refuses a file that is not a backup of this kind of database."""
    vendor = _vendor(alias)
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"No restore method for a {vendor} database.")
    _check_file(path, vendor)
    if not force and not database_is_empty(alias=alias):
        raise BackupError(
            "The database is not empty; restoring would overwrite it. Give --force to "
            "replace it, or restore into a new database."
        )
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections[alias].close()
        env = _pg_env(alias)
        result = subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={env.get('PGDATABASE', '')}",
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def describe(alias: str = "default") -> dict[str, Any]:
    s = connections[alias].settings_dict
    return {"vendor": _vendor(alias), "name": str(s.get("NAME", ""))}
