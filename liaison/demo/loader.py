"""The one demo loader: run every registered step, in order, in one transaction.

The steps are listed in ``liaison/demo/steps/__init__.py``; the registry step (agency,
sign-ins, vocabulary, people, the 117 activities) comes first and every capability adds
its own after it. Each step goes through the services only, names the demo loader as its
actor, and is idempotent: a second run creates nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from liaison.demo.context import DEFAULT_PASSWORD, DemoContext, LoadReport
from liaison.demo.steps import STEPS, Step


@transaction.atomic
def load_demo(
    *, password: str = DEFAULT_PASSWORD, steps: Sequence[Step] | None = None
) -> LoadReport:
    """Create (or complete) the demo department; all of it or nothing."""
    ctx = DemoContext(password=password)
    for step in STEPS if steps is None else steps:
        step(ctx)
    return ctx.report
