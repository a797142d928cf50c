#!/usr/bin/env python
"""How fast the activity list and search answer on a generated registry.

    python bench/registry.py [--runs 50] [--warmup 5] [--only selector,api:search]
                             [--user bench] [--explain]

Run bench/generate.py first, against the same database (``DATABASE_URL``). Every case is
measured through three doors, each ``--runs`` times after ``--warmup`` untimed runs:

- ``selector``: ``activity_list`` + ``with_list_relations`` + ``paginate`` (page 1), the
  rows materialised — the database work of one list page and nothing else;
- ``page``: GET /activities/?… and ``api``: GET /api/v1/activities?… through
  ``django.test.Client`` with the bench user forced in. In-process: the figures are Django
  (middleware, session, view, template or JSON) plus the database, without a server or a
  network in between.

For each it prints p50, p95 and max in milliseconds, how many activities matched (the
``count`` of the page) and how many SQL queries one request made. ``--explain`` prints the
database's plan, with actual timings on PostgreSQL, of every query of every selected case.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import logging
import math
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import (
    BENCH_CATEGORY,
    BENCH_USERNAME,
    COMMON_WORD,
    RARE_WORD,
    SECOND_WORD,
    bootstrap_django,
)

PAGE_URL = "/activities/"
API_URL = "/api/v1/activities"
DOORS = ("selector", "page", "api")


@dataclass(frozen=True)
class Case:
    name: str
    params: dict[str, str]


def build_cases(person: str | None) -> list[Case]:
    """The filters people use most, and the searches that stress the index differently:
    a word in one activity of ten, a word in a few hundred, and two words together."""
    cases = [
        Case("no filter", {}),
        Case("country=CA", {"country": "CA"}),
        Case(
            f"category+year ({BENCH_CATEGORY}, 2019)", {"category": BENCH_CATEGORY, "year": "2019"}
        ),
        Case(
            "status+direction (completed, inbound)", {"status": "completed", "direction": "inbound"}
        ),
    ]
    cases.append(Case("sort=title", {"sort": "title"}))
    if person is not None:
        # The filter names a person by serial number (or name words), never by id.
        cases.append(Case(f"person={person} (busiest)", {"person": person}))
    cases += [
        Case(f"q={COMMON_WORD} (common)", {"q": COMMON_WORD}),
        Case(f"q={RARE_WORD} (rare)", {"q": RARE_WORD}),
        Case(f"q={COMMON_WORD} {SECOND_WORD} (two words)", {"q": f"{COMMON_WORD} {SECOND_WORD}"}),
    ]
    return cases


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Result:
    door: str
    case: str
    matches: int | None = None
    queries: int | None = None
    samples: tuple[float, ...] = ()
    note: str = ""


def measure(fn: Callable[[], Any], *, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def selected(only: list[str], door: str, case: Case) -> bool:
    label = f"{door}:{case.name}"
    return not only or any(o in label for o in only)


def print_header(width: int) -> None:
    header = (
        f"{'door':<9} {'case':<{width}} {'matches':>10} {'queries':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    )
    print(header)
    print("-" * len(header), flush=True)


def print_row(r: Result, width: int) -> None:
    matches = f"{r.matches:,}" if r.matches is not None else "?"
    queries = str(r.queries) if r.queries is not None else "?"
    if r.samples:
        figures = (
            f"{percentile(r.samples, 0.5):>8.1f} {percentile(r.samples, 0.95):>8.1f} "
            f"{max(r.samples):>8.1f}"
        )
    else:
        figures = f"{'—':>8} {'—':>8} {'—':>8}"
    line = f"{r.door:<9} {r.case:<{width}} {matches:>10} {queries:>7} {figures}"
    print(line + (f"  {r.note}" if r.note else ""), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated substrings of 'door:case' to run, e.g. "
        "'selector', 'api:q=', 'country'",
    )
    parser.add_argument("--user", default=BENCH_USERNAME)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the plan of each query of each selected selector case",
    )
    args = parser.parse_args(argv)

    # WhiteNoise warns once that STATIC_ROOT is empty; collectstatic is not needed here.
    warnings.filterwarnings("ignore", message="No directory at")
    bootstrap_django()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from liaison.accounts.models import User
    from liaison.activities.access import activities_visible_to
    from liaison.activities.models import Activity, Participation
    from liaison.activities.selectors import ActivityFilters, activity_list, with_list_relations
    from liaison.core.pagination import paginate
    from liaison.people.models import Employee

    only = [o.strip() for o in args.only.split(",") if o.strip()]
    user_pk = User.objects.get(username=args.user).pk
    total = Activity.objects.count()
    visible = activities_visible_to(User.objects.get(pk=user_pk)).count()
    busiest = (
        Participation.objects.filter(employee__isnull=False)
        .values("employee_id")
        .annotate(n=Count("id"))
        .order_by("-n", "employee_id")
        .values_list("employee_id", flat=True)
        .first()
    )
    person = (
        Employee.objects.filter(pk=busiest).values_list("serial_number", flat=True).first()
        if busiest is not None
        else None
    )
    db = connection.settings_dict
    print(f"Liaison registry benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(
        f"Database: {connection.vendor} {db.get('NAME')} — {total:,} activities, "
        f"{visible:,} visible to {args.user!r}; page size {settings.PAGE_SIZE}"
    )
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(
        f"Machine: {platform.machine()}, {cores} cores, load average {load:.1f}, Python "
        f"{platform.python_version()}; {args.runs} runs after {args.warmup} warm-ups per row"
    )
    if load > cores:
        print(
            f"WARNING: the load average ({load:.1f}) exceeds the cores ({cores}): something "
            "else is running and these figures will be inflated."
        )
    print(
        "Doors 'page' and 'api' are in-process (django.test.Client, force_login): "
        "Django + database, no server, no network.\n"
    )
    if total and not visible:
        print(
            f"The user {args.user!r} sees none of the {total:,} activities, so every "
            "figure would be meaningless. Check its role grants and "
            "liaison/activities/access.py:activity_visibility_q.",
            file=sys.stderr,
        )
        return 1

    def filters_for(params: dict[str, str]) -> ActivityFilters:
        values: dict[str, Any] = dict(params)
        for key in ("year", "organisation", "agency"):
            if key in values:
                values[key] = int(values[key])
        return ActivityFilters(**values)

    def selector_run(params: dict[str, str]) -> Callable[[], int]:
        filters = filters_for(params)
        base_user = User.objects.get(pk=user_pk)

        def run() -> int:
            # A fresh copy per run, as per request: the role grants (cached on the user
            # object) are read again, the user row is not.
            user = copy.copy(base_user)
            page = paginate(with_list_relations(activity_list(user=user, filters=filters)), page=1)
            return page.count

        return run

    # Django refuses requests for hosts not in ALLOWED_HOSTS; use one it allows.
    # A failing page is reported in the table; its traceback would bury the figures.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
    client.force_login(User.objects.get(pk=user_pk))

    def http_run(url: str) -> Callable[[], Any]:
        def run() -> Any:
            return client.get(url)

        return run

    results: list[Result] = []
    cases = build_cases(person)
    width = max(len(c.name) for c in cases)
    print_header(width)
    for door in DOORS:
        for case in cases:
            if not selected(only, door, case):
                continue
            result = Result(door, case.name)
            if door == "selector":
                fn: Callable[[], Any] = selector_run(case.params)
            else:
                url = (PAGE_URL if door == "page" else API_URL) + (
                    f"?{urlencode(case.params)}" if case.params else ""
                )
                fn = http_run(url)
            try:
                with CaptureQueriesContext(connection) as captured:
                    outcome = fn()
            except Exception as exc:  # a page still being written must not stop the rest
                result.note = f"not measured: {type(exc).__name__}: {exc}"[:120]
                results.append(result)
                print_row(result, width)
                continue
            result.queries = len(captured.captured_queries)
            if door == "selector":
                result.matches = int(outcome)
            else:
                status = outcome.status_code
                if status != 200:
                    result.note = f"not measured: {url} answered HTTP {status}"
                    results.append(result)
                    print_row(result, width)
                    continue
                if door == "api":
                    result.matches = outcome.json().get("count")
            if args.explain and door == "selector":
                explain(connection, [q["sql"] for q in captured.captured_queries], case.name)
            result.samples = tuple(measure(fn, runs=args.runs, warmup=args.warmup))
            results.append(result)
            print_row(result, width)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
    return 0


def explain(connection: Any, statements: list[str], label: str) -> None:
    print(f"\n=== plans for {label}")
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- {sql[:400]}{'…' if len(sql) > 400 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("   " + " | ".join(str(v) for v in row))
    print()


if __name__ == "__main__":
    sys.exit(main())
