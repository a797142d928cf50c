#!/usr/bin/env python
"""How fast pages and API answer over HTTP, as users meet them, next to their SQL time.

    python bench/http_load.py [--base-url http://127.0.0.1:8000] [--clients 4] [--duration 10]
                         [--only oversight,list] [--user bench] [--tool wrk|python]
                         [--sql-runs 5] [--no-sql]

Start a server on the same database first (``DATABASE_URL``), e.g.

    DATABASE_URL=… SECRET_KEY=… SECURE_SSL_REDIRECT=0 .venv/bin/gunicorn liaison.wsgi -w 2 \\
        -b 127.0.0.1:8000

then run this script with the same ``DATABASE_URL``. It signs the bench user in by
creating a session in the database (the bench user has no password), then for every case:

- drives the server with ``--clients`` keep-alive connections for ``--duration`` seconds
  (wrk when installed, with a small Lua script for the percentiles; otherwise Python
  threads) and prints p50, p95 and requests per second;
- runs the same request in-process (``django.test.Client``) ``--sql-runs`` times and
  prints the median SQL time of one request (the sum of its statements, timed by a
  ``connection.execute_wrapper``) and its statement count.

The difference between the HTTP p50 and the SQL time is Django, the template or JSON and
the server. Figures and how they were taken are in bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BENCH_USERNAME, COMMON_WORD, bootstrap_django


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return self.path + ("?" + urlencode(self.params) if self.params else "")


def build_cases(agency_id: int | None) -> list[Case]:
    """The oversight summary with several filters; the list page, its API twin, the
    country + year filter and a search, each page next to its API twin."""
    statuses = (("status", "completed"), ("status", "closed"), ("status", "approved"))
    agency = (("agency", str(agency_id)),) if agency_id else ()
    # The summary last: its slow requests would still hold the workers for the next case.
    return [
        Case("list page", "/activities/"),
        Case("list api", "/api/v1/activities"),
        Case("country+year page (IL 2019)", "/activities/", (("country", "IL"), ("year", "2019"))),
        Case(
            "country+year api (IL 2019)",
            "/api/v1/activities",
            (("country", "IL"), ("year", "2019")),
        ),
        Case(f"search page (q={COMMON_WORD})", "/activities/", (("q", COMMON_WORD),)),
        Case(f"search api (q={COMMON_WORD})", "/api/v1/activities", (("q", COMMON_WORD),)),
        Case("oversight (default)", "/oversight/"),
        Case(
            "oversight (2016-2019, abroad)",
            "/oversight/",
            (
                ("start_from", "2016-01-01"),
                ("start_to", "2019-12-31"),
                ("direction_group", "abroad"),
            ),
        ),
        Case(
            "oversight (agency, 3 statuses, at home)",
            "/oversight/",
            (*agency, *statuses, ("direction_group", "at_home")),
        ),
        Case("oversight api (default)", "/api/v1/oversight/summary"),
    ]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --------------------------------------------------------------------------- sign in


def session_cookie(username: str) -> tuple[str, str, Any]:
    """A signed-in session for ``username``, made directly in the session store."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils.module_loading import import_string

    user = get_user_model().objects.get(username=username)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    # The first backend that can restore a user from a session (django-axes' backend,
    # listed first, only refuses locked-out sign-ins and has no get_user).
    store[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return settings.SESSION_COOKIE_NAME, str(store.session_key), user


# --------------------------------------------------------------------------- load


@dataclass
class Load:
    p50: float
    p95: float
    rps: float
    requests: int
    errors: int


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %d %d %d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def load_wrk(url: str, cookie: str, *, clients: int, duration: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
            [
                shutil.which("wrk") or "wrk",
                f"-t{min(clients, 2)}",
                f"-c{clients}",
                f"-d{duration}s",
                "--timeout",
                "60s",
                "-s",
                script.name,
                "-H",
                f"Cookie: {cookie}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    p50, p95, requests, micros, errors = line.split()[1:]
    return Load(
        p50=float(p50),
        p95=float(p95),
        rps=int(requests) / (int(micros) / 1e6),
        requests=int(requests),
        errors=int(errors),
    )


def load_python(url: str, cookie: str, *, clients: int, duration: int) -> Load:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn.request("GET", target, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not samples:
        return Load(p50=0.0, p95=0.0, rps=0.0, requests=0, errors=errors[0])
    return Load(
        p50=percentile(samples, 0.5),
        p95=percentile(samples, 0.95),
        rps=len(samples) / elapsed,
        requests=len(samples),
        errors=errors[0],
    )


# --------------------------------------------------------------------------- SQL time


def sql_time(client: Any, url: str, runs: int) -> tuple[float, int, int]:
    """Median SQL milliseconds of one in-process request, its statement count and status."""
    from django.db import connection

    totals: list[float] = []
    count = status = 0
    for _ in range(runs + 1):  # the first run warms caches and is not kept
        spent: list[float] = []

        def timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, ctx)
            finally:
                spent.append((time.perf_counter() - started) * 1000)  # noqa: B023

        with connection.execute_wrapper(timer):
            status = client.get(url).status_code
        totals.append(sum(spent))
        count = len(spent)
    return statistics.median(totals[1:]), count, status


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds per case")
    parser.add_argument("--only", default="", help="comma-separated substrings of case names")
    parser.add_argument("--user", default=BENCH_USERNAME)
    parser.add_argument("--tool", choices=("wrk", "python"), default=None)
    parser.add_argument("--sql-runs", type=int, default=5)
    parser.add_argument("--no-sql", action="store_true", help="skip the in-process SQL runs")
    args = parser.parse_args(argv)

    bootstrap_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    name, key, user = session_cookie(args.user)
    cookie = f"{name}={key}"
    agency = user.role_grants.exclude(agency=None).values_list("agency_id", flat=True).first()
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    cases = [c for c in build_cases(agency) if not only or any(o in c.name for o in only)]
    tool = args.tool or ("wrk" if shutil.which("wrk") else "python")
    load = load_wrk if tool == "wrk" else load_python
    client = Client()
    client.force_login(user)

    width = max(len(c.name) for c in cases)
    print(
        f"# {connection.vendor}, {args.clients} clients × {args.duration} s ({tool}) against "
        f"{args.base_url}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    header = (
        f"{'case':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'errors':>6} "
        f"{'SQL ms':>8} {'queries':>7}"
    )
    print(header)
    print("-" * len(header), flush=True)
    for case in cases:
        sql = "—"
        queries = "—"
        if not args.no_sql:
            ms, n, status = sql_time(client, case.url, args.sql_runs)
            if status != 200:
                print(f"{case.name:<{width}} answered {status} in-process; not measured")
                continue
            sql, queries = f"{ms:.1f}", str(n)
        result = load(
            args.base_url + case.url, cookie, clients=args.clients, duration=args.duration
        )
        if result.requests == 0:
            print(
                f"{case.name:<{width}} no response within {args.duration} s "
                f"(SQL {sql} ms, {queries} queries)",
                flush=True,
            )
            continue
        print(
            f"{case.name:<{width}} {result.p50:>8.1f} {result.p95:>8.1f} {result.rps:>7.1f} "
            f"{result.errors:>6} {sql:>8} {queries:>7}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
