#!/usr/bin/env python
"""What keeping the summary tables current costs a write, on a generated registry.

    python bench/writes.py [--runs 20] [--warmup 3]

Run bench/generate.py first, against the same database (``DATABASE_URL``). Each case runs
a service call inside a transaction that is rolled back afterwards, so the registry is
left as it was: a status move of an activity in the busiest month of the biggest agency
(``activity_transition``, which recounts that agency-month), and the same activity moved
to another year (``activity_update``: two agency-months, two years). For each: p50 and p95
of the whole call and of ``summary_refresh`` alone, in milliseconds (ADR 0013).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BENCH_USERNAME, bootstrap_django


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    bootstrap_django()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    import liaison.activities.services as services
    from liaison.accounts.models import User
    from liaison.activities.models import Activity
    from liaison.activities.services import (
        ActivityInput,
        LocationInput,
        ParticipantInput,
        activity_transition,
        activity_update,
    )
    from liaison.activities.workflow import Status

    user = User.objects.get(username=BENCH_USERNAME)
    busiest = (
        Activity.objects.filter(status=Status.APPROVED)
        .annotate(month=TruncMonth("start_date"))
        .values("agency_id", "month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        print("No approved activity to move: run bench/generate.py first.", file=sys.stderr)
        return 1
    activity = (
        Activity.objects.filter(
            status=Status.APPROVED,
            agency_id=busiest["agency_id"],
            start_date__gte=busiest["month"],
        )
        .order_by("start_date", "pk")
        .first()
    )
    assert activity is not None
    print(
        f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
        f"{Activity.objects.count():,} activities. Moving activity {activity.pk} "
        f"({activity.start_date}) of agency {activity.agency_id}, whose month holds "
        f"{busiest['n']:,} approved activities. Load average "
        f"{os.getloadavg()[0]:.1f}."
    )

    refresh_times: list[float] = []
    real_refresh = services.summary_refresh

    def timed_refresh(touched: Any) -> None:
        started = time.perf_counter()
        real_refresh(touched)
        refresh_times.append((time.perf_counter() - started) * 1000)

    services.summary_refresh = timed_refresh  # type: ignore[assignment]

    def moved_input() -> ActivityInput:
        a = Activity.objects.get(pk=activity.pk)
        shift = dt.timedelta(days=400)
        return ActivityInput(
            title=a.title,
            direction=a.direction,
            kind=a.kind,
            category_id=a.category_id,
            purpose=a.purpose or "Bench purpose.",
            start_date=a.start_date + shift,
            end_date=a.end_date + shift,
            locations=[LocationInput(str(loc.country), loc.city) for loc in a.locations.all()],
            participants=[
                ParticipantInput(
                    employee_id=p.employee_id,
                    external_person_id=p.external_person_id,
                    role=p.role,
                )
                for p in a.participations.all()
            ],
        )

    cases: list[tuple[str, Callable[[], object]]] = [
        ("transition complete", lambda: activity_transition(
            actor=user, activity=activity, name="complete")),
        ("update: moved 400 days", lambda: activity_update(
            actor=user, activity=activity, data=moved_input())),
    ]  # fmt: skip
    print(f"\n{'case':<26}{'call p50':>10}{'p95':>8}{'refresh p50':>13}{'p95':>8}  (ms)")
    for name, call in cases:
        totals: list[float] = []
        refresh_times.clear()
        for run in range(args.warmup + args.runs):
            with transaction.atomic():
                started = time.perf_counter()
                call()
                elapsed = (time.perf_counter() - started) * 1000
                transaction.set_rollback(True)
            if run >= args.warmup:
                totals.append(elapsed)
        refreshes = refresh_times[args.warmup :]
        print(
            f"{name:<26}{statistics.median(totals):>10.1f}{p95(totals):>8.1f}"
            f"{statistics.median(refreshes):>13.1f}{p95(refreshes):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
