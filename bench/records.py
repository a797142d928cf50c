#!/usr/bin/env python
"""Import and export speed of the activity exchange format (issue 9, ADRs 0022 and 0027).

    python bench/records.py [--import-rows 100000] [--export-rows 1000000]
                            [--skip-import] [--skip-export] [--page QUERY] [--profile]

Against the configured database (``DATABASE_URL``; migrate it first). Prints:

- **import**: a generated CSV of ``--import-rows`` activities, each with a location, two
  participants (matched by serial number) and two topics, into a bench agency with its
  own coordinator and employees: the check (dry run: every row validated, nothing
  written) and the import (one transaction: validated again and written in sets, ADR
  0026), each in rows/s, with the process's peak resident size (and with
  ``--tracemalloc`` the import's peak of Python memory, which slows it down);
  ``--verify`` then runs ``verify_audit``; ``--check-only`` times the check alone (with
  its CPU seconds per 1k rows, ADR 0030). A fresh key per run, so
  every run creates its rows.
- **export**: the first ``--export-rows`` activities the bench user may see (every agency:
  run bench/generate.py first for a million) written as CSV the way the download writes
  it (``selectors.export_csv_chunks``: the stored lines, ADR 0031): ``--lines both``
  (default) deletes the stored lines, exports cold (every line rendered), runs the
  refresh, and exports warm (every line stored), then a tracemalloc pass for the peak;
  ``--lines values`` times the values path of ADR 0027 alone. Each pass prints rows/s
  wall and per CPU second of this process, the load average and the peak resident size.
  ``--profile``: cProfile one pass instead.
- **page** (``--page QUERY``): ``/exchange/activities.csv?QUERY`` through
  ``django.test.Client`` as the bench user, the streamed body read chunk by chunk; rows/s,
  then the tracemalloc peak from a second pass.
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


def _run_queue_wait() -> float:
    """Seconds this process has spent ready to run but waiting for a CPU (Linux
    ``/proc/self/schedstat``, summed over its threads); -1 where there is none."""
    total = 0
    try:
        for task in Path("/proc/self/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return -1.0
    return total / 1e9


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


def bench_import(
    rows: int,
    *,
    verify: bool = False,
    trace: bool = False,
    check_only: bool = False,
    profile: bool = False,
) -> None:
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
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
        profiler.enable()
        batch = import_batch_check(actor=user, batch=batch)
        profiler.disable()
        assert batch.status == "checked", batch.errors[:3]
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    load = os.getloadavg()[0]
    with CaptureQueriesContext(connection) as queries:
        usage, queued = resource.getrusage(resource.RUSAGE_SELF), _run_queue_wait()
        start, cpu = time.perf_counter(), time.process_time()
        batch = import_batch_check(actor=user, batch=batch)
        checked, check_cpu = time.perf_counter() - start, time.process_time() - cpu
        after, queued = resource.getrusage(resource.RUSAGE_SELF), _run_queue_wait() - queued
    # Waiting (a socket, a file) shows as voluntary context switches; being pushed off a
    # busy CPU as involuntary ones.
    waits = after.ru_nvcsw - usage.ru_nvcsw
    preempted = after.ru_nivcsw - usage.ru_nivcsw
    assert batch.status == "checked", batch.errors[:3]
    if check_only:
        print(f"import  rows={rows:>9,}  file={len(content) / 2**20:.1f} MiB  "
              f"load average {load:.1f} at the start, "
              f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
        print(f"  validated (dry run)  {rows / checked:>9,.0f} rows/s  ({checked:.1f} s; "
              f"CPU {check_cpu / rows * 1000:.3f} s per 1k rows, "
              f"{rows / check_cpu:,.0f} rows per CPU second)")  # fmt: skip
        print(f"  queries during the check: {len(queries.captured_queries)} "
              f"(wall {checked:.1f} s - CPU {check_cpu:.1f} s = {checked - check_cpu:.1f} s "
              "not on this process's CPU)")  # fmt: skip
        print(f"  context switches during the check: {waits:,} voluntary (waiting), "
              f"{preempted:,} involuntary (CPU taken by others)")  # fmt: skip
        if queued >= 0:
            print(f"  of the wall time: {check_cpu:.1f} s on the CPU, {queued:.1f} s ready but "
                  f"waiting for a CPU (run queue), {checked - check_cpu - queued:.1f} s "
                  "blocked (database, files)")  # fmt: skip
        print(f"  process peak RSS {_rss_mib():.0f} MiB")
        return
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
    print(f"  validated (dry run)  {rows / checked:>9,.0f} rows/s  ({checked:.1f} s; "
          f"CPU {check_cpu / rows * 1000:.3f} s per 1k rows)")  # fmt: skip
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


def bench_export(rows: int, *, profile: bool = False, lines: str = "both") -> None:
    """The CSV export as the download writes it: from the stored lines (ADR 0031), cold
    (no line stored: every line rendered by the values path, window by window) and warm
    (every line stored, after ``refresh_export_lines``), and the values path alone (ADR
    0027) for comparison."""
    from liaison.accounts.models import User
    from liaison.activities.selectors import ActivityFilters
    from liaison.core.tabular import csv_value_batches
    from liaison.exchange.lines import refresh_lines
    from liaison.exchange.models import ExportLine
    from liaison.exchange.selectors import activity_export, export_csv_chunks, export_value_rows
    from liaison.exchange.spec import ACTIVITIES

    user = (
        User.objects.filter(username="bench").first()
        or User.objects.filter(username="bench-importer").first()
    )
    assert user is not None, "run bench/generate.py (or the import part) first"
    qs = activity_export(user=user, filters=ActivityFilters())[:rows]

    def values_path() -> Any:
        return csv_value_batches(ACTIVITIES.headers, export_value_rows(qs))

    def lines_path() -> Any:
        return export_csv_chunks(qs)

    def run(chunks: Any) -> tuple[int, int, float, float, float]:
        count = size = 0
        first = 0.0
        start = time.perf_counter()
        cpu = time.process_time()
        for line in chunks():
            if count == 1:  # the first batch of rows: every query has answered
                first = time.perf_counter() - start
            count += line.count("\r\n")
            size += len(line)
        used = time.process_time() - cpu
        return count - 1, size, time.perf_counter() - start, used, first

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run(lines_path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    def report(label: str, chunks: Any) -> None:
        load = os.getloadavg()[0]
        rss_before = _rss_mib()
        written, size, seconds, used, first = run(chunks)
        print(f"export  {label}  rows={written:>9,}  csv={size / 2**20:.1f} MiB  as user "
              f"{user.username}  load average {load:.1f} -> {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"  CSV stream        {written / seconds:>9,.0f} rows/s  ({seconds:.1f} s)  "
              f"this process's CPU {used:.1f} s = {written / used:,.0f} rows per CPU second "
              f"(PostgreSQL's own CPU not included); first rows after {first:.1f} s")  # fmt: skip
        print(f"  process peak RSS {_rss_mib():.0f} MiB (before: {rss_before:.0f} MiB)",
              flush=True)  # fmt: skip

    def peak(chunks: Any) -> None:
        tracemalloc.start()
        run(chunks)
        print(f"  peak Python memory {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB "
              f"(tracemalloc, second pass)", flush=True)  # fmt: skip
        tracemalloc.stop()

    stored = ExportLine.objects.filter(line__isnull=False).count()
    print(f"stored lines before the run: {stored:,}")
    if lines in ("both", "cold"):
        ExportLine.objects.all().delete()
        report("cold (no line stored: written by the values path, ADR 0027)", lines_path)
        start, cpu = time.perf_counter(), time.process_time()
        written = refresh_lines()
        seconds, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"refresh_export_lines  {written:,} lines  {written / seconds:,.0f} lines/s "
              f"({seconds:.1f} s; this process's CPU {used:.1f} s)  "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    if lines in ("both", "warm"):
        if lines == "warm":
            refresh_lines()
        report("warm (every line stored)", lines_path)
        peak(lines_path)
    if lines == "values":
        report("values path (ADR 0027, no stored lines read)", values_path)
        peak(values_path)


def bench_export_page(query: str) -> None:
    """The export page (``/exchange/activities.csv?<query>``) through ``django.test.Client``:
    middleware, session, view, selector and the streamed response, read chunk by chunk
    keeping only the size (as a client writing to disk would)."""
    from django.conf import settings
    from django.test import Client

    from liaison.accounts.models import User

    assert not settings.DEBUG, "DEBUG keeps every query in memory: run with DEBUG off"
    user = User.objects.get(username="bench")
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
    client.force_login(user)

    def run() -> tuple[int, int, float]:
        start = time.perf_counter()
        response: Any = client.get(f"/exchange/activities.csv?{query}")
        assert response.status_code == 200 and response.streaming, response.status_code
        rows = size = 0
        for chunk in response.streaming_content:
            rows += chunk.count(b"\r\n")
            size += len(chunk)
        return rows - 1, size, time.perf_counter() - start

    rss_before = _rss_mib()
    written, size, seconds = run()
    rss_after = _rss_mib()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"page    /exchange/activities.csv?{query}  rows={written:,}  csv={size / 2**20:.1f} MiB")
    print(f"  through the view  {written / seconds:>9,.0f} rows/s  ({seconds:.1f} s)")
    print(f"  peak Python memory {peak:.1f} MiB (tracemalloc, second pass)  "
          f"process peak RSS {rss_after:.0f} MiB (before: {rss_before:.0f} MiB)")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--page",
        metavar="QUERY",
        help="also GET /exchange/activities.csv?QUERY as the bench user (e.g. year=2024)",
    )
    parser.add_argument(
        "--lines",
        choices=("both", "cold", "warm", "values"),
        default="both",
        help="export from no stored line then every line stored (both; default), one of "
        "them, or by the values path alone (ADR 0027)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile one export pass (with --check-only: the check) instead of timing it",
    )
    parser.add_argument("--verify", action="store_true", help="Run verify_audit after the import.")
    parser.add_argument(
        "--check-only", action="store_true", help="Time the dry run only (no import)."
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="Trace the import's Python memory (slower)."
    )
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    if not args.skip_import:
        bench_import(
            args.import_rows,
            verify=args.verify,
            trace=args.tracemalloc,
            check_only=args.check_only,
            profile=args.profile and args.check_only,
        )
    if not args.skip_export:
        bench_export(args.export_rows, profile=args.profile, lines=args.lines)
    if args.page is not None:
        bench_export_page(args.page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
