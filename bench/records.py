#!/usr/bin/env python
"""Import and export speed of the activity exchange format (issue 9, ADR 0022).

    python bench/records.py [--import-rows 100000] [--export-rows 1000000]
                            [--skip-import] [--skip-export]

Against the configured database (``DATABASE_URL``; migrate it first). Prints:

- **import**: a generated CSV of ``--import-rows`` activities, each with a location, two
  participants (matched by serial number) and two topics, into a bench agency with its
  own coordinator and employees: the check (dry run: every row validated, nothing
  written) and the import (one transaction: validated again and written in sets, ADR
  0026), each in rows/s, with the process's peak resident size (and with
  ``--tracemalloc`` the import's peak of Python memory, which slows it down);
  ``--verify`` then runs ``verify_audit``. A fresh key per run, so
  every run creates its rows.
- **export**: the first ``--export-rows`` activities the bench user may see (every agency:
  run bench/generate.py first for a million) written as CSV the way the download streams
  it (``csv_lines`` over ``.iterator()``), once for rows/s and once under tracemalloc for
  the peak, which stays flat however many rows are written.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import bootstrap_django

ORI = "BX0000009"
EMPLOYEES = 2000


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> tuple[Any, Any]:
    from liaison.accounts.models import Agency
    from liaison.accounts.tests.factories import user_with_role
    from liaison.activities.models import Category
    from liaison.people.models import Employee

    agency = Agency.objects.filter(ori_code=ORI).first()
    if agency is None:
        agency = Agency.objects.create(name="Bench Import Department", ori_code=ORI, state="CA")
        user_with_role("coordinator", agency, "bench-importer")
        Employee.objects.bulk_create(
            [
                Employee(
                    agency=agency,
                    serial_number=f"B{n:05d}",
                    first_name=f"First{n}",
                    last_name=f"Last{n}",
                    rank="Officer",
                    unit="Bench Unit",
                )
                for n in range(EMPLOYEES)
            ]
        )
    Category.objects.get_or_create(slug="bench-import", defaults={"name": "Bench import"})
    from liaison.accounts.models import User

    return agency, User.objects.get(username="bench-importer")


def _file(rows: int, run: str) -> bytes:
    from liaison.exchange.spec import ACTIVITIES

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACTIVITIES.headers)
    for n in range(rows):
        a, b = n % EMPLOYEES, (n * 7 + 1) % EMPLOYEES
        if a == b:
            b = (b + 1) % EMPLOYEES
        values = {
            "source_system": f"Bench {run}",
            "source_id": str(n),
            "title": f"Bench course {n}",
            "direction": "outbound",
            "kind": "course",
            "category": "bench-import",
            "topics": "Bench topic one; Bench topic two",
            "purpose": "Measure the import.",
            "start_date": f"{2014 + n % 10}-0{1 + n % 9}-1{n % 9}",
            "end_date": f"{2014 + n % 10}-0{1 + n % 9}-2{n % 9}",
            "status": "completed",
            "locations": "CA:Toronto",
            "participants": f"B{a:05d} | First{a} Last{a} | Officer | Bench Unit | Bench | "
            f"attendee; B{b:05d} | First{b} Last{b} | Officer | Bench Unit | Bench | attendee",
            "not_on_record": "approval; funding",
        }
        writer.writerow([values.get(h, "") for h in ACTIVITIES.headers])
    return out.getvalue().encode()


def bench_import(rows: int, *, verify: bool = False, trace: bool = False) -> None:
    from liaison.exchange.services import (
        import_batch_check,
        import_batch_create,
        import_batch_run,
    )

    agency, user = _setup()
    content = _file(rows, run=str(int(time.time())))
    batch = import_batch_create(
        actor=user,
        agency=agency,
        file_name="bench.csv",
        content=content,  # type: ignore[arg-type]
    )
    start = time.perf_counter()
    batch = import_batch_check(actor=user, batch=batch)
    checked = time.perf_counter() - start
    assert batch.status == "checked", batch.errors[:3]
    rss_before = _rss_mib()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    batch = import_batch_run(actor=user, batch=batch)
    imported = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    tracemalloc.stop()
    assert batch.status == "imported", batch.errors[:3]
    print(f"import  rows={rows:>9,}  file={len(content) / 2**20:.1f} MiB  "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  validated (dry run)  {rows / checked:>9,.0f} rows/s  ({checked:.1f} s)")
    traced = "; tracemalloc on" if trace else ""
    print(f"  written (import: checked again and written{traced}) "
          f"{rows / imported:>9,.0f} rows/s  ({imported:.1f} s)")  # fmt: skip
    if peak is not None:
        print(f"  peak Python memory (import, tracemalloc) {peak:.1f} MiB")
    print(f"  process peak RSS {_rss_mib():.0f} MiB (after the check: {rss_before:.0f} MiB)")
    if verify:
        from liaison.records.audit_chain import verify as verify_audit

        start = time.perf_counter()
        result = verify_audit()
        print(f"  verify_audit: {'intact' if result.intact else result}  "
              f"({time.perf_counter() - start:.1f} s)")  # fmt: skip


def bench_export(rows: int) -> None:
    from liaison.accounts.models import User
    from liaison.activities.selectors import ActivityFilters
    from liaison.core.tabular import csv_lines
    from liaison.exchange.selectors import CHUNK, activity_export
    from liaison.exchange.spec import ACTIVITIES

    user = (
        User.objects.filter(username="bench").first()
        or User.objects.filter(username="bench-importer").first()
    )
    assert user is not None, "run bench/generate.py (or the import part) first"
    qs = activity_export(user=user, filters=ActivityFilters())[:rows]

    def run() -> tuple[int, int, float]:
        count = size = 0
        start = time.perf_counter()
        for line in csv_lines(ACTIVITIES, qs.iterator(chunk_size=CHUNK)):
            count += 1
            size += len(line)
        return count - 1, size, time.perf_counter() - start

    written, size, seconds = run()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"export  rows={written:>9,}  csv={size / 2**20:.1f} MiB  as user {user.username}")
    print(f"  CSV stream        {written / seconds:>9,.0f} rows/s  ({seconds:.1f} s)")
    print(f"  peak Python memory {peak:.1f} MiB (tracemalloc, second pass)  "
          f"process peak RSS {_rss_mib():.0f} MiB")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--verify", action="store_true", help="Run verify_audit after the import.")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="Trace the import's Python memory (slower)."
    )
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    if not args.skip_import:
        bench_import(args.import_rows, verify=args.verify, trace=args.tracemalloc)
    if not args.skip_export:
        bench_export(args.export_rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
