"""``manage.py backup`` and ``restore``: a backup restored gives back exactly what was
backed up (the export is byte-identical), on SQLite and on PostgreSQL; a non-empty
database is not overwritten without --force; a file that is not a backup is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.tests.factories import ActivityFactory, LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def export() -> bytes:
    """Everything in the database, as ``dumpdata`` writes it (sorted by model and key)."""
    out = io.StringIO()
    call_command("dumpdata", "--indent=1", "--exclude=sessions", stdout=out)
    return out.getvalue().encode()


def test_backup_then_restore_gives_a_byte_identical_export(
    tmp_path: Path, agency: Agency, clerk: User
) -> None:
    for n in range(3):
        LocationFactory.create(activity=ActivityFactory.create(agency=agency, title=f"Trip {n}"))
    before = export()
    path = tmp_path / "liaison.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    assert path.stat().st_size > 0

    # Change the database after the backup: a new activity, an edited title.
    ActivityFactory.create(agency=agency, title="After the backup")
    Activity.objects.filter(title="Trip 0").update(title="Edited after the backup")
    assert export() != before

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    assert Activity.objects.filter(title="After the backup").exists()  # nothing changed

    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert export() == before
    assert not Activity.objects.filter(title="After the backup").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, agency: Agency) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    before = export()
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(bogus), "--force")
    assert export() == before


def test_backup_refuses_to_overwrite_a_file(tmp_path: Path, agency: Agency) -> None:
    path = tmp_path / "existing.backup"
    path.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path))
    assert path.read_bytes() == b"keep me"
