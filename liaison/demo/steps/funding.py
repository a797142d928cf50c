"""Who paid for the legacy activities (ADR 0019), through the funding services.

``funders.csv`` is the registry (the foundation passes on its donors' money and names the
one it can); ``funding.csv`` is one row per payment, split by what it paid, from the
registry's cost and funder columns: the nine Israel activities total $87,000, "Command and
Control Counter-Terrorism" is a $52,470 federal grant, about 80% of the 117 activities are
paid by outside sources, three by an undisclosed donor through the foundation. Activities
whose source gives no cost have **no funding on record** — they get no row, and the money
views show them as gaps, not as $0. No legacy payment has a Form 801 or a screening: the
disclosure gap the IG found.

The loader (a coordinator) records everything. Idempotent: funders by name, payments by
activity + funder + what they paid.
"""

from __future__ import annotations

from liaison.demo.context import DemoContext, read_rows
from liaison.funding.models import Contribution, Funder, FunderSource
from liaison.funding.services import (
    ContributionInput,
    FunderInput,
    contribution_create,
    funder_create,
    funder_source_add,
)


def load(ctx: DemoContext) -> None:
    assert ctx.agency is not None and ctx.loader is not None
    funders: dict[str, Funder] = {}
    rows = read_rows("funders.csv")
    for row in rows:
        funder = Funder.objects.filter(agency=ctx.agency, name=row["name"]).first()
        ctx.report.count("funders", funder is None)
        if funder is None:
            funder = funder_create(
                actor=ctx.loader,
                agency=ctx.agency,
                data=FunderInput(
                    name=row["name"],
                    funder_type=row["funder_type"],
                    address=row["address"],
                    nature_of_business=row["nature_of_business"],
                    country=row["country"],
                    pass_through=row["pass_through"] == "yes",  # noqa: S105 — not a password
                ),
            )
        funders[row["name"]] = funder
    for row in rows:
        if row["sources"]:
            funder, source = funders[row["name"]], funders[row["sources"]]
            if not FunderSource.objects.filter(funder=funder, source=source).exists():
                funder_source_add(actor=ctx.loader, funder=funder, source=source)
    for row in read_rows("funding.csv"):
        activity = ctx.activity(row["key"])
        funder = funders[row["funder"]]
        existing = Contribution.objects.filter(
            activity=activity, funder=funder, paid_for=row["paid_for"]
        ).exists()
        ctx.report.count("contributions", not existing)
        if existing:
            continue
        contribution_create(
            actor=ctx.loader,
            activity=activity,
            data=ContributionInput(
                funder=funder,
                paid_for=row["paid_for"],
                amount=row["amount"],
                currency=row["currency"],
                grant_identifier=row["grant_identifier"],
                description=row["description"],
                valuation_method=row["valuation_method"],
            ),
        )
