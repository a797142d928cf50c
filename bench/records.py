#!/usr/bin/env python
"""Import and export speed of the activity exchange format (issue 9, ADR 0022).

    python bench/records.py [--import-rows 100000] [--export-rows 1000000]
                            [--skip-import] [--skip-export]

Against the configured database (``DATABASE_URL``; migrate it first). Prints:

- **import**: a generated CSV of ``--import-rows`` activities, each with a location, two
  participants (matched by serial number) and two topics, into a bench agency with its
  own coordinator and employees: the check (dry run, rolled back) and the import (one
  transaction), each in rows/s, with the peak of Python memory (tracemalloc) and the
  process's peak resident size. A fresh key per run, so every run creates its rows.
- **export**: the first ``--export-rows`` activities the bench user may see (every agency:
  run bench/generate.py first for a million) written as CSV the way the download streams
  it (``csv_lines`` over ``.iterator()``), once for rows/s and once under tracemalloc for
  the peak, which stays flat however many rows are written.
"""

from __future__ import annotations

import argparse
import csv
import io
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


def bench_import(rows: int) -> None:
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
    tracemalloc.start()
    start = time.perf_counter()
    batch = import_batch_run(actor=user, batch=batch)
    imported = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert batch.status == "imported", batch.errors[:3]
    print(f"import  rows={rows:>9,}  file={len(content) / 2**20:.1f} MiB")
    print(f"  check (dry run)   {rows / checked:>9,.0f} rows/s  ({checked:.1f} s)")
    print(f"  import            {rows / imported:>9,.0f} rows/s  ({imported:.1f} s, "
          f"tracemalloc on)  peak Python memory {peak:.1f} MiB")  # fmt: skip
    print(f"  process peak RSS  {_rss_mib():.0f} MiB")


def bench_export(rows: int, *, profile: bool = False) -> None:
    from liaison.accounts.models import User
    from liaison.activities.selectors import ActivityFilters
    from liaison.core.tabular import csv_value_batches
    from liaison.exchange.selectors import activity_export, export_value_rows
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
        for line in csv_value_batches(ACTIVITIES.headers, export_value_rows(qs)):
            count += line.count("\n")
            size += len(line)
        return count - 1, size, time.perf_counter() - start

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    rss_before = _rss_mib()
    written, size, seconds = run()
    rss_after = _rss_mib()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"export  rows={written:>9,}  csv={size / 2**20:.1f} MiB  as user {user.username}")
    print(f"  CSV stream        {written / seconds:>9,.0f} rows/s  ({seconds:.1f} s)")
    print(f"  peak Python memory {peak:.1f} MiB (tracemalloc, second pass)  "
          f"process peak RSS {rss_after:.0f} MiB (before the export {rss_before:.0f} MiB)")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one export pass instead of timing it"
    )
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    if not args.skip_import:
        bench_import(args.import_rows)
    if not args.skip_export:
        bench_export(args.export_rows, profile=args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
