"""What the demo loader's steps share: the data directory, the CSV reader, and the context
one run passes from step to step (see ``loader.py`` and ``steps/__init__.py``)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Category
from liaison.people.models import Employee, ExternalPerson, Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PASSWORD = "liaison-demo-2026"  # noqa: S105 — a published demo password, on purpose


@dataclass
class LoadReport:
    """What one run did, for the command to print and the tests to read."""

    agency: Agency | None = None
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    # Existing demo logins whose password is not the one given (they keep theirs).
    password_kept: list[str] = field(default_factory=list)
    employee_login: Employee | None = None

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1


@dataclass
class DemoContext:
    """One run of the loader. The registry step fills the first fields; a capability's
    step reads them (``ctx.activity("A017")``, ``ctx.loader`` as the actor) and may add
    its own entries to ``extra`` for a later step."""

    password: str = DEFAULT_PASSWORD
    report: LoadReport = field(default_factory=LoadReport)
    agency: Agency | None = None
    # The system user the demo's records are attributed to (a coordinator; cannot sign in).
    loader: User | None = None
    logins: dict[str, User] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)  # by serial number
    external_people: dict[str, ExternalPerson] = field(default_factory=dict)  # by CSV key
    activities: dict[str, Activity] = field(default_factory=dict)  # by stable key, A001…
    extra: dict[str, object] = field(default_factory=dict)

    def activity(self, key: str) -> Activity:
        """The activity a data file names by its stable key; a clear error for a typo."""
        try:
            return self.activities[key]
        except KeyError:
            raise KeyError(
                f"No demo activity with key {key!r} (see data/activities.csv)."
            ) from None

    @property
    def actor(self) -> User:
        assert self.loader is not None, "the registry step runs first and sets the loader"
        return self.loader


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` as dicts (the header names the keys)."""
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def split_list(value: str) -> list[str]:
    """A ``;``-separated cell as a list, blanks dropped."""
    return [part.strip() for part in value.split(";") if part.strip()]
