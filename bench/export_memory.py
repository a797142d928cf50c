#!/usr/bin/env python
"""Streaming proof for the list exports (issue 9, ADR 0025): rows/s and peak memory of a
CSV export sent through the real view, at two sizes, to show the memory stays flat.

    python bench/export_memory.py [--rows 20000] [--list employees|reports|both]
                                  [--door page|api]

Against the configured database (``DATABASE_URL``; migrate it first). For each of two
sizes, ``--rows / 10`` and ``--rows``, it adds its own agency (ORI ``BXES…`` / ``BXEL…``)
with a coordinator (``bench-export-s`` / ``-l``) and that many employees and evaluation
reports, by bulk inserts (reused on later runs). Then per list and size it GETs the
export, unfiltered, as that coordinator through ``django.test.Client`` (middleware,
session, view, selector, ``core.downloads``) and reads the streamed body chunk by chunk,
keeping only its length — as a client writing to disk would.

Printed per case: rows, seconds, rows/s (an untimed-by-tracemalloc pass), the peak of
Python allocations during the export (``tracemalloc``, a second pass: it slows Python down,
so it is not the pass that is timed) and the process's peak RSS growth. A streaming export
has the same peak at both sizes; one that loaded the rows would grow tenfold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import bootstrap_django

BATCH = 5000
# (ORI code, username) of the agency and coordinator of each size.
SIZES = {"small": ("BXES00001", "bench-export-s"), "large": ("BXEL00001", "bench-export-l")}


def ensure_rows(rows: int, ori: str, username: str) -> Any:
    """The agency, its coordinator, ``rows`` employees and ``rows`` reports (one activity)."""
    from liaison.accounts.models import Agency, Role, RoleGrant, User
    from liaison.activities.models import Activity, Category
    from liaison.people.models import Employee
    from liaison.reports.models import EvaluationReport

    agency, _ = Agency.objects.get_or_create(
        ori_code=ori, defaults={"name": f"Bench Export Police {ori}", "state": "CA"}
    )
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    RoleGrant.objects.get_or_create(user=user, role=Role.COORDINATOR, agency=agency)

    have = Employee.objects.filter(agency=agency).count()
    for start in range(have, rows, BATCH):
        Employee.objects.bulk_create(
            Employee(
                agency=agency,
                serial_number=f"E{n:08d}",
                first_name="Alex",
                last_name=f"Bench{n:08d}",
                rank="Officer",
                unit="Export Unit, Platoon 7",
            )
            for n in range(start, min(rows, start + BATCH))
        )
    category, _ = Category.objects.get_or_create(
        slug="bench-export", defaults={"name": "Bench export"}
    )
    activity = Activity.objects.filter(agency=agency, title="Bench export course").first()
    if activity is None:
        activity = Activity.objects.create(
            agency=agency,
            title="Bench export course",
            direction="outbound",
            kind="course",
            category=category,
            purpose="Measure the exports.",
            start_date=dt.date(2024, 1, 8),
            end_date=dt.date(2024, 1, 12),
            status="completed",
        )
    have = EvaluationReport.objects.filter(agency=agency).count()
    for start in range(have, rows, BATCH):
        EvaluationReport.objects.bulk_create(
            EvaluationReport(
                agency=agency,
                activity=activity,
                due_on=dt.date(2024, 1, 1) + dt.timedelta(days=n % 3650),
                purpose=f"Report {n}: what the course taught, in a sentence or two.",
                key_takeaways="Dialogue first; a written decision log; reserves out of sight.",
                created_by=user,
            )
            for n in range(start, min(rows, start + BATCH))
        )
    return user


def read_export(client: Any, url: str, params: dict[str, str]) -> tuple[int, int]:
    """GET ``url`` and drain the stream, keeping only sizes: (data rows, bytes)."""
    response = client.get(url, params, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    assert response.streaming, "the export must stream"
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return lines - 1, size


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--list", choices=("employees", "reports", "both"), default="both")
    parser.add_argument("--door", choices=("page", "api"), default="page")
    args = parser.parse_args()

    bootstrap_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    assert not settings.DEBUG, "DEBUG keeps every query in memory: run with DEBUG off"
    sizes = {"small": max(1, args.rows // 10), "large": args.rows}
    clients = {}
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    for label, (ori, username) in SIZES.items():
        # Django refuses hosts outside ALLOWED_HOSTS; ``secure``: no HTTPS redirect.
        client = Client(HTTP_HOST=host)
        client.force_login(ensure_rows(sizes[label], ori, username))
        clients[label] = client

    urls = {
        ("employees", "page"): "/people/employees/export/",
        ("employees", "api"): "/api/v1/exports/employees",
        ("reports", "page"): "/reports/all/export/",
        ("reports", "api"): "/api/v1/exports/reports",
    }
    lists = ("employees", "reports") if args.list == "both" else (args.list,)
    print(f"database: {connection.vendor}; door: {args.door}")
    print(f"{'list':<10} {'rows':>9} {'MB sent':>8} {'seconds':>8} {'rows/s':>9} "
          f"{'peak py MB':>10} {'RSS +MB':>8}")  # fmt: skip
    for name in lists:
        url = urls[(name, args.door)]
        for label in ("small", "large"):
            client = clients[label]
            params = {"format": "csv"}
            read_export(client, url, params)  # warm-up: imports, caches, the session
            rss_before = maxrss_mb()
            started = time.perf_counter()
            count, sent = read_export(client, url, params)
            seconds = time.perf_counter() - started
            rss_growth = maxrss_mb() - rss_before
            assert count == sizes[label], (name, label, count)
            tracemalloc.start()
            read_export(client, url, params)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{name:<10} {count:>9} {sent / 1e6:>8.1f} {seconds:>8.2f} "
                f"{count / seconds:>9.0f} {peak / 1e6:>10.1f} {rss_growth:>8.1f}"
            )


if __name__ == "__main__":
    main()
