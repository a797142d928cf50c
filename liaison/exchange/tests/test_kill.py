"""A process killed with SIGKILL half-way through an import leaves no partial rows.

``manage.py import_records`` runs in a subprocess against a database on disk that this
test can read too: the test's own PostgreSQL database (committed data, ``transactional_db``),
or on SQLite a copy of the in-memory test database in a file (another process cannot open
an in-memory database). The test waits until the import has written
some rows inside its transaction (the progress the import reports), kills it, and counts.

Each row carries an approval, so the import writes it through the services one row at a time
(ADR 0026): the progress it reports then counts rows already written in its transaction. A
file of plain new records is written in sets of 2,000 only after the whole file is read, and
a small one is done before the test could see it half-way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from liaison.exchange.tests.helpers import csv_bytes, row

ROOT = Path(settings.BASE_DIR)
ROWS = 300
APP_NAME = "liaison-kill-test"
COUNT = """
from liaison.activities.models import Activity, Location, Participation
from liaison.exchange.models import ImportBatch, ImportedRecord
batch = ImportBatch.objects.get()
print(Activity.objects.count(), Location.objects.count(), Participation.objects.count(),
      ImportedRecord.objects.count(), batch.status, batch.token)
"""


def _manage(env: dict[str, str], *args: str, **kwargs: Any) -> Any:
    return subprocess.run(  # noqa: S603 — our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=300, **kwargs,
    )  # fmt: skip


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return (
            f"postgres://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
            f"/{s['NAME']}"
        )
    return f"sqlite:///{tmp_path / 'kill.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_with_sigkill_leaves_no_partial_rows(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "IMPORT_PROGRESS_DIR": str(tmp_path / "progress"),
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        # libpq names the subprocesses' sessions, so the test can find them (and only
        # them) in pg_stat_activity.
        "PGAPPNAME": APP_NAME,
    }
    from liaison.exchange.tests.helpers import department

    department()
    if connection.vendor == "sqlite":
        # Copy the migrated in-memory test database, with the department, to a file the
        # subprocess can open (SQLite's online backup).
        import sqlite3

        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "kill.sqlite3")
        connection.connection.backup(target)
        target.close()
    rows = [
        row(source_id=f"K-{n}", title=f"Course {n}", funding="", reports="") for n in range(ROWS)
    ]
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(rows))
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_records", str(path),
         "--agency", "CA0194200", "--user", "clerk"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    seen: dict[str, Any] | None = None
    try:
        while time.monotonic() < deadline and process.poll() is None:
            # The import phase (after the dry run), with rows written in its transaction.
            for value in _progress(tmp_path / "progress"):
                if value.get("phase") == "importing":
                    seen = value
            if seen and 0 < seen["done"] < ROWS:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the import finished before it could be killed"
        assert seen is not None, "the import never reported progress"
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)  # reaps it and closes its pipes
    assert process.returncode == -signal.SIGKILL
    if connection.vendor == "postgresql":
        # The server ends the dead client's session (rolling its transaction back) only
        # when it notices; end it now, and wait until it is gone.
        _end_sessions(terminate=True)
    out = _manage(env, "shell", "-v", "0", "-c", COUNT).stdout.strip().splitlines()[-1].split()
    activities, locations, participations, records, status = out[:5]
    assert (activities, locations, participations, records) == ("0", "0", "0", "0")
    # The batch says it was importing when the process died: nothing of it was saved.
    assert status == "importing"
    if connection.vendor == "postgresql":
        # The counting process's session closes after it exits: let it go before the
        # test ends, so that dropping the test database finds nobody connected.
        _end_sessions(terminate=False)


def _end_sessions(*, terminate: bool) -> None:
    """Wait (at most 30 s) until no session of this test's subprocesses (``PGAPPNAME``)
    is left on the test database, ending them first when ``terminate``. Only theirs: the
    test's own connection, and anything else on the server, are left alone."""
    mine = "datname = current_database() AND application_name = %s"
    with connection.cursor() as cursor:
        if terminate:
            # The timeout makes pg_terminate_backend wait until the backend has exited.
            cursor.execute(
                f"SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE {mine}",
                [APP_NAME],
            )
        deadline = time.monotonic() + 30
        while True:
            cursor.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {mine}", [APP_NAME])
            left = cursor.fetchone()[0]
            if left == 0:
                return
            assert time.monotonic() < deadline, f"{left} subprocess session(s) still open"
            time.sleep(0.1)


def _progress(directory: Path) -> list[dict[str, Any]]:
    """What the running import reported, read from the cache files it shares with the web
    server (the key holds the batch's token, which the test does not know)."""
    import pickle
    import zlib

    values = []
    for file in directory.glob("*.djcache") if directory.exists() else []:
        try:
            with file.open("rb") as handle:
                pickle.load(handle)  # noqa: S301 — the expiry, written by Django's cache
                value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
        except Exception:  # noqa: S112 — a file being written right now
            continue
        if isinstance(value, dict) and "phase" in value:
            values.append(value)
    return values
