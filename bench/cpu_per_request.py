#!/usr/bin/env python
"""CPU per request over HTTP: gunicorn's workers and their PostgreSQL backends together.

    python bench/cpu_per_request.py --port 8000 [--port 8001 …] [--path /activities/]
                                    [--clients 4] [--duration 10] [--rounds 2]

On a shared machine requests a second say more about the neighbours than about the code;
CPU time per request does not. For each server (a gunicorn master listening on
``127.0.0.1:PORT``, started with the same ``DATABASE_URL`` as this script), this signs the
bench user in once (a session row, as ``http_load.py`` does), warms the workers (so each
holds its database connection), finds the PostgreSQL backends those connections are
served by (``ss`` and ``pg_stat_activity.client_port``), then runs ``wrk`` and reads
``utime + stime`` from ``/proc`` for the workers and the backends before and after.
Servers are measured in turn, ``--rounds`` times, so two versions of the code (one port
each) meet the same load. Linux and PostgreSQL only; figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BENCH_USERNAME, bootstrap_django

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime.
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run(*command: str) -> str:
    program = shutil.which(command[0]) or command[0]
    return subprocess.run(  # noqa: S603 (fixed programs, our own arguments)
        [program, *command[1:]], capture_output=True, text=True, check=False
    ).stdout


def listeners(port: int) -> list[int]:
    out = run("ss", "-Hltnp", f"sport = :{port}")
    return sorted({int(p) for p in re.findall(r"pid=(\d+)", out)})


def workers(port: int) -> list[int]:
    # Every process holding the listening socket: the master and its forked workers.
    pids = listeners(port)
    children: set[int] = set()
    for pid in pids:
        out = run("pgrep", "-P", str(pid))
        children.update(int(p) for p in out.split())
    return sorted(children or pids)


def backends(worker_pids: list[int]) -> list[int]:
    from django.db import connection

    out = run("ss", "-Htnp", "dport = :5432")
    ports = []
    for line in out.splitlines():
        owners = {int(p) for p in re.findall(r"pid=(\d+)", line)}
        if owners & set(worker_pids):
            local = line.split()[3]
            ports.append(int(local.rsplit(":", 1)[1]))
    if not ports:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [ports])
        return sorted(row[0] for row in cursor.fetchall())


def wrk(url: str, cookie: str, *, clients: int, duration: int) -> int:
    out = run(
        "wrk", "-t", "1", "-c", str(clients), "-d", f"{duration}s", "-H", f"Cookie: {cookie}", url
    )
    found = re.search(r"(\d+) requests in", out)
    if not found or "Non-2xx" in out:
        raise SystemExit(f"wrk: unexpected answer from {url}:\n{out}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, action="append", required=True)
    parser.add_argument("--path", default="/activities/")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm", type=int, default=3, help="seconds of load before each run")
    parser.add_argument("--user", default=BENCH_USERNAME)
    args = parser.parse_args(argv)
    bootstrap_django()
    from bench.http_load import session_cookie

    name, key, _user = session_cookie(args.user)
    cookie = f"{name}={key}"
    print(f"{'port':>5} {'path':<28} {'req/s':>7} {'workers ms':>11} {'db ms':>7} {'total ms':>9}")
    for _ in range(args.rounds):
        for port in args.port:
            url = f"http://127.0.0.1:{port}{args.path}"
            # One request alone first: a session's first request records it (a UserSession
            # row), and concurrent first requests of one session race to insert it.
            first = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(first, timeout=60) as answer:  # noqa: S310 (our URL)
                answer.read()
            # Warm: connections opened, templates loaded, first-request costs paid.
            wrk(url, cookie, clients=args.clients, duration=args.warm)
            procs = workers(port)
            pg = backends(procs)
            before = [cpu_seconds(p) for p in procs], [cpu_seconds(p) for p in pg]
            started = time.monotonic()
            requests = wrk(url, cookie, clients=args.clients, duration=args.duration)
            elapsed = time.monotonic() - started
            if not all(Path(f"/proc/{p}").exists() for p in (*procs, *pg)):
                # A worker was restarted (gunicorn's timeout) or a connection reopened
                # during the run: its CPU cannot be read, so the run does not count.
                print(f"{port:>5} {args.path:<28} a worker or a backend went away; run not counted")
                continue
            after = [cpu_seconds(p) for p in procs], [cpu_seconds(p) for p in pg]
            web = (sum(after[0]) - sum(before[0])) / requests * 1000
            db = (sum(after[1]) - sum(before[1])) / requests * 1000
            print(
                f"{port:>5} {args.path:<28} {requests / elapsed:>7.1f} {web:>11.2f} {db:>7.2f} "
                f"{web + db:>9.2f}   load {Path('/proc/loadavg').read_text().split()[0]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
