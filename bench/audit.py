#!/usr/bin/env python
"""The tamper-evident audit trail (ADR 0023): how long ``verify_audit`` takes over N
history rows, and what the chain adds to one audited write.

    python bench/audit.py [--rows 3000000] [--batch 5000] [--writes 200] [--skip-fill]

Use a scratch database (``DATABASE_URL``), migrated first: the script adds history rows.
``--rows``: tops the audit trail up to N history rows of ``HistoricalActivity`` (copies
of one activity's row with a different title and time, each chained through
``chain_append`` in batches, as a large import would), printing the fill rate; then runs
``verify()`` once and prints seconds and rows per second. ``--writes``: times an
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import bootstrap_django


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--skip-fill", action="store_true", help="Verify what is there.")
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection, transaction
    from simple_history.signals import post_create_historical_record

    from liaison.accounts.models import Agency, User
    from liaison.activities.models import Activity, Category
    from liaison.core.audit import save_audited
    from liaison.records import apps as records_apps
    from liaison.records.audit_chain import chain_append, verify
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
        todo = args.rows - have
        fields = [f.attname for f in history._meta.concrete_fields if f.attname != "history_id"]
        base = {name: getattr(template, name) for name in fields}
        started = time.perf_counter()
        start_date = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
        done = 0
        while done < todo:
            n = min(args.batch, todo - done)
            with transaction.atomic():
                rows = [
                    history(**{**base, "title": f"Bench trip {have + done + i}",
                               "history_date": start_date + dt.timedelta(seconds=have + done + i)})
                    for i in range(n)
                ]  # fmt: skip
                chain_append(history.objects.bulk_create(rows))
            done += n
            if done % (args.batch * 40) == 0 or done == todo:
                rate = done / (time.perf_counter() - started)
                print(f"  filled {done:,} / {todo:,} ({rate:,.0f} rows/s with their links)")
    total = AuditLink.objects.count()
    started = time.perf_counter()
    result = verify()
    seconds = time.perf_counter() - started
    print(
        f"\nverify_audit: {'intact' if result.intact else 'BROKEN'} over {result.rows:,} "
        f"audit rows / {result.links:,} links in {result.tables} tables: {seconds:.1f} s "
        f"({result.rows / max(seconds, 1e-9):,.0f} rows/s)"
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
