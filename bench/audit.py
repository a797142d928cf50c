#!/usr/bin/env python
"""The tamper-evident audit trail (ADR 0023): how long ``verify_audit`` takes over N
history rows, and what the chain adds to one audited write.

    python bench/audit.py [--rows 3000000] [--batch 20000] [--writes 200]
                           [--skip-fill] [--skip-verify] [--no-sql]

Use a scratch database (``DATABASE_URL``), migrated first: the script adds history rows.
``--rows``: tops the audit trail up to N history rows of ``HistoricalActivity`` (copies
of one activity's row with a different title and time; ``fast_fill``: a bulk fill, COPY
on PostgreSQL, ``--batch`` rows a transaction, each row hashed by
``audit_chain.content_hash`` and each link by ``audit_chain.link_hash``, so the chain is
the real one), printing the fill rate; then runs ``verify()`` once and prints wall
seconds, this process's CPU seconds, on PostgreSQL the server backend's CPU seconds during
``verify`` and its parallel workers' (from ``/proc``), rows per second, CPU µs a row, the
peak RSS while it ran and the load average. ``--no-sql``: ``verify(in_sql=False)``,
without the first path (ADR 0023, third amendment).
``--writes``: times an
audited update of one activity (``save_audited``, a title change) with and without the
chain's receiver connected, each inside a rolled-back transaction; p50 and p95 in
milliseconds, and the difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import bootstrap_django


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def fast_fill(history: Any, template: Any, have: int, todo: int, batch: int) -> None:
    """Add ``todo`` history rows, copies of ``template`` with their own title and time,
    and chain them, in bulk (a bench fill, not the application's write path): each row's
    content hash is ``audit_chain.content_hash`` over the row's Python values and each
    link's hash ``audit_chain.link_hash``, the functions ``chain_append`` and
    ``append_links`` use; the sequence numbers are reserved by ``_advance_head`` (the
    head's lock) and the head's hash is set to the last link, as ``append_links`` does.
    The rows and links go in by COPY on PostgreSQL (``executemany`` on SQLite), ``batch``
    rows and their links a transaction, with the guard triggers in place (they refuse
    UPDATE and DELETE, not INSERT). The chain is the real one: ``verify`` reads every row
    back, recomputes every hash and must say intact."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from liaison.records import audit_chain

    table = history._meta.db_table
    pk = history._meta.pk
    fields = audit_chain._hashed_fields(history)
    columns = [audit_chain._col(f) for f in fields]
    base = {f.attname: getattr(template, f.attname) for f in fields}
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [pk.column, *columns])
    link_names = "seq, table_name, row_id, schema, content_hash, prev_hash, hash"
    postgres = connection.vendor == "postgresql"
    insert = (
        f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * (len(columns) + 1))})"
    )
    insert_links = (
        f"INSERT INTO {audit_chain.LEDGER_TABLE} ({link_names}) VALUES ({', '.join(['%s'] * 7)})"
    )
    title = next(i for i, f in enumerate(fields) if f.attname == "title")
    when = next(i for i, f in enumerate(fields) if f.attname == "history_date")
    prepared = [f.get_db_prep_save(base[f.attname], connection) for f in fields]
    start_date = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    next_id = (history.objects.aggregate(m=Max(pk.attname))["m"] or 0) + 1
    started = time.perf_counter()
    cpu_started = time.process_time()
    done = 0
    link_hash, content_hash = audit_chain.link_hash, audit_chain.content_hash
    while done < todo:
        n = min(batch, todo - done)
        rows, contents = [], []
        for i in range(have + done, have + done + n):
            values = dict(base)
            values["title"] = f"Bench trip {i}"
            values["history_date"] = start_date + dt.timedelta(seconds=i)
            row = list(prepared)
            row[title] = fields[title].get_db_prep_save(values["title"], connection)
            row[when] = fields[when].get_db_prep_save(values["history_date"], connection)
            rows.append((next_id, *row))
            contents.append((next_id, content_hash([(f, values[f.attname]) for f in fields])))
            next_id += 1
        with transaction.atomic():
            key = audit_chain._ensure_schema(connection.alias, table, columns)
            last, prev = audit_chain._advance_head(connection, n)
            seq = last - n
            links = []
            for row_id, content in contents:
                seq += 1
                digest = link_hash(prev, seq, table, row_id, content, key)
                links.append((seq, table, row_id, key, content, prev, digest))
                prev = digest
            with connection.cursor() as cursor:
                if postgres:
                    raw = cursor.cursor
                    with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        for history_row in rows:
                            copy.write_row(history_row)
                    with raw.copy(
                        f"COPY {audit_chain.LEDGER_TABLE} ({link_names}) FROM STDIN"
                    ) as copy:
                        for link in links:
                            copy.write_row(link)
                else:
                    cursor.executemany(insert, rows)
                    cursor.executemany(insert_links, links)
                cursor.execute(audit_chain._SET_HEAD, [prev, audit_chain.HEAD_ID])
        done += n
        if done % (batch * 5) == 0 or done == todo:
            wall = time.perf_counter() - started
            print(
                f"  filled {done:,} / {todo:,}: {done / wall:,.0f} rows/s with their links "
                f"({wall:.0f} s wall, {time.process_time() - cpu_started:.0f} s CPU; "
                f"load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [history]):
            cursor.execute(statement)


def _reset_peak_rss() -> float:
    """Reset the process's peak RSS (Linux: ``clear_refs``), so that the peak read after
    ``verify`` is the verifier's, not the fill's; returns the RSS now, in MiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _peak_rss() -> float:
    return _status("VmHWM")


def _backend_pid(connection: Any) -> int | None:
    """The PostgreSQL server process serving this connection (same machine), or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def _cpu_of(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Workers:
    """The CPU of PostgreSQL's parallel workers serving ``leader`` (processes titled
    ``postgres: parallel worker for PID <leader>``, same machine): they live for one
    statement, so a thread samples ``/proc`` every 20 ms and keeps each worker's last
    figure (a worker's last < 20 ms are missed)."""

    def __init__(self, leader: int | None) -> None:
        import threading

        self.leader = leader
        self.workers: dict[int, float] = {}
        self.own_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if leader is not None:
            self._thread.start()

    def _run(self) -> None:
        title = f"parallel worker for PID {self.leader}".encode()
        try:
            self._sample(title)
        finally:
            self.own_cpu = time.thread_time()  # taken out of "this process's CPU"

    def _sample(self, title: bytes) -> None:
        while not self._stop.wait(0.02):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if title in (entry / "cmdline").read_bytes():
                        self.workers[int(entry.name)] = _cpu_of(int(entry.name))
                except OSError:
                    continue

    def stop(self) -> float:
        """CPU seconds of every worker seen."""
        self._stop.set()
        if self.leader is not None:
            self._thread.join()
        return sum(self.workers.values())


def _status(name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--batch", type=int, default=20000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--skip-fill", action="store_true", help="Verify what is there.")
    parser.add_argument("--skip-verify", action="store_true", help="Only the writes.")
    parser.add_argument(
        "--no-sql",
        action="store_true",
        help="verify(in_sql=False): without the first path (the previous verifier's work).",
    )
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection, transaction
    from simple_history.signals import post_create_historical_record

    from liaison.accounts.models import Agency, User
    from liaison.activities.models import Activity, Category
    from liaison.core.audit import save_audited
    from liaison.records import apps as records_apps
    from liaison.records.audit_chain import verify
    from liaison.records.models import AuditLink

    user, _ = User.objects.get_or_create(username="bench-audit")
    agency, _ = Agency.objects.get_or_create(
        ori_code="BA0000000", defaults={"name": "Bench Audit Agency", "state": "CA"}
    )
    category, _ = Category.objects.get_or_create(slug="bench-audit", defaults={"name": "Bench"})
    activity = Activity.objects.filter(agency=agency).first()
    if activity is None:
        activity = Activity(
            agency=agency, title="Bench trip", direction="outbound", kind="course",
            category=category, purpose="Bench.", start_date=dt.date(2020, 1, 6),
            end_date=dt.date(2020, 1, 9), created_by=user,
        )  # fmt: skip
        save_audited(activity, actor=user, validate=False)
    history = Activity.history.model
    template = Activity.history.filter(id=activity.pk).order_by("history_id").first()
    assert template is not None
    have = history.objects.count()
    print(
        f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
        f"{have:,} activity history rows, {AuditLink.objects.count():,} links. "
        f"Load average {os.getloadavg()[0]:.1f}."
    )
    if not args.skip_fill and have < args.rows:
        fast_fill(history, template, have, args.rows - have, args.batch)
    if not args.skip_verify:
        total = AuditLink.objects.count()
        backend = _backend_pid(connection)
        before = _reset_peak_rss()
        server_started = _cpu_of(backend)
        workers = _Workers(backend)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = verify(in_sql=not args.no_sql)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        server = _cpu_of(backend) - server_started
        helpers = workers.stop()
        cpu -= workers.own_cpu
        peak = _peak_rss()
        if backend is not None:
            rows = max(result.rows, 1)
            print(
                f"\nPostgreSQL backend (pid {backend}): {server:.1f} s CPU during verify "
                f"({server * 1e6 / rows:.1f} µs a row); its {len(workers.workers)} parallel "
                f"workers {helpers:.1f} s ({helpers * 1e6 / rows:.1f} µs a row); this process "
                f"and the server together {(cpu + server + helpers) * 1e6 / rows:.1f} µs a row"
            )
        print(
            f"\nverify_audit: {'intact' if result.intact else 'BROKEN'} over {result.rows:,} "
            f"audit rows / {result.links:,} links in {result.tables} tables: {seconds:.1f} s "
            f"wall, {cpu:.1f} s CPU of this process "
            f"({result.rows / max(seconds, 1e-9):,.0f} rows/s wall, "
            f"{cpu * 1e6 / max(result.rows, 1):.1f} µs CPU a row); peak RSS during verify "
            f"{peak:,.0f} MiB (the process had {before:,.0f} MiB before it); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        assert total == result.links

    if args.writes:
        timings: dict[str, list[float]] = {"chained": [], "unchained": []}
        for label in ("chained", "unchained", "chained", "unchained"):
            if label == "unchained":
                post_create_historical_record.disconnect(dispatch_uid="audit_chain")
            try:
                for run in range(args.writes // 2 + 3):
                    with transaction.atomic():
                        obj = Activity.objects.get(pk=activity.pk)
                        obj.title = f"Bench trip renamed {run}"
                        t0 = time.perf_counter()
                        save_audited(obj, actor=user, validate=False)
                        elapsed = (time.perf_counter() - t0) * 1000
                        transaction.set_rollback(True)
                    if run >= 3:
                        timings[label].append(elapsed)
            finally:
                if label == "unchained":
                    post_create_historical_record.connect(
                        records_apps._history_row_written, dispatch_uid="audit_chain"
                    )
        print(f"\n{'one audited update':<22}{'p50':>8}{'p95':>8}  (ms, {args.writes} runs each)")
        for label, values in timings.items():
            print(f"{label:<22}{statistics.median(values):>8.2f}{p95(values):>8.2f}")
        added = statistics.median(timings["chained"]) - statistics.median(timings["unchained"])
        print(f"{'the chain adds':<22}{added:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
