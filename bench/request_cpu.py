#!/usr/bin/env python
"""CPU of one request in-process, through the whole middleware stack, as the bench user.

    python bench/request_cpu.py [--requests 200] [--only list,list-api] [--queries]
                                [--profile list] [--user bench]

Signs the bench user in as ``http_load.py`` does (a session written to the session
store), then requests each case through ``django.test.Client`` ``--requests`` times and
prints the CPU time of one request (``time.process_time``: this process only, so the
database's own CPU is not counted): minimum, first quartile and median, and the number of
statements. ``--queries`` prints each statement of one request with its time;
``--profile CASE`` prints a cProfile of that case sorted by cumulative time. Run it
against the same database as the server (``DATABASE_URL``); figures are in
bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BENCH_USERNAME, COMMON_WORD, bootstrap_django

CASES = {
    "list": "/activities/",
    "list-page2": "/activities/?page=2",
    "list-api": "/api/v1/activities",
    "country-year": "/activities/?country=IL&year=2019",
    "country-year-api": "/api/v1/activities?country=IL&year=2019",
    "search": f"/activities/?q={COMMON_WORD}",
    "search-api": f"/api/v1/activities?q={COMMON_WORD}",
    "healthz": "/healthz",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="list,list-api")
    parser.add_argument("--user", default=BENCH_USERNAME)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--profile-lines", type=int, default=60)
    parser.add_argument("--profile-out", default="", help="also write the pstats file here")
    args = parser.parse_args(argv)
    bootstrap_django()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.http_load import session_cookie

    name, key, _user = session_cookie(args.user)
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else None)
    client.cookies[name] = key

    def get(url: str) -> Any:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.get('Location', '')}")
        return response

    captured: list[tuple[float, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((time.perf_counter() - started, sql))

    print(f"{'case':<18} {'min ms':>8} {'q1 ms':>8} {'median ms':>10} {'queries':>8}")
    for case in [c.strip() for c in args.only.split(",") if c.strip()]:
        url = CASES[case]
        for _ in range(5):  # warm: templates, caches, the first "last seen"
            get(url)
        captured.clear()
        with connection.execute_wrapper(record):
            get(url)
        samples = []
        for _ in range(args.requests):
            started = time.process_time()
            get(url)
            samples.append((time.process_time() - started) * 1000)
        quartiles = statistics.quantiles(samples, n=4)
        print(
            f"{case:<18} {min(samples):>8.2f} {quartiles[0]:>8.2f} "
            f"{statistics.median(samples):>10.2f} {len(captured):>8}"
        )
        if args.queries:
            for seconds, sql in captured:
                print(f"    {seconds * 1000:6.2f} ms  {sql[:400]}")
        if case == args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
            profiler.enable()
            for _ in range(args.requests):
                get(url)
            profiler.disable()
            stats = pstats.Stats(profiler)
            if args.profile_out:
                stats.dump_stats(args.profile_out)
            stats.sort_stats("cumulative").print_stats(args.profile_lines)
            stats.sort_stats("tottime").print_stats(args.profile_lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
