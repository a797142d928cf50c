"""The demo loader's steps, in the order they run.

A step is a function ``load(ctx: DemoContext) -> None``. To add a capability's demo data
(see ../README.md): write ``data/<capability>.csv`` keyed by the activity key (``A001``…),
write ``steps/<capability>.py`` with a ``load`` that reads it and calls that capability's
services with ``ctx.actor``, and append it here. The registry step stays first: it makes
the agency, the loader, the people and the activities every later step refers to.
"""

from __future__ import annotations

from collections.abc import Callable

from liaison.demo.context import DemoContext
from liaison.demo.steps import (
    approvals,
    funding,
    imports,
    outcomes,
    registry,
    reports,
    retention,
    security,
    vetting,
)

Step = Callable[[DemoContext], None]

STEPS: list[Step] = [
    registry.load,
    security.load,
    vetting.load,
    approvals.load,
    reports.load,
    funding.load,
    outcomes.load,
    # After the registry (people, organisations) and funding (the funders the file names):
    # the coordinator imports the training unit's 2024–25 spreadsheet.
    imports.load,
    # Last: it destroys records under retention and then holds everything else.
    retention.load,
]
