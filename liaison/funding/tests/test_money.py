"""Contributions through the service: bad money input is a field error that names the
field and saves nothing; good input keeps Decimals and the USD amount at the rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.tests.factories import ActivityFactory
from liaison.core.errors import Forbidden
from liaison.funding.models import Contribution, Funder
from liaison.funding.services import ContributionInput, contribution_create
from liaison.funding.tests.factories import FunderFactory


@pytest.fixture
def trip(agency: Agency) -> Activity:
    return ActivityFactory.create(agency=agency)


@pytest.fixture
def foundation(agency: Agency) -> Funder:
    return FunderFactory.create(agency=agency, name="Metro City Police Foundation")


def data(funder: Funder, **overrides: object) -> ContributionInput:
    values: dict[str, object] = {"funder": funder, "paid_for": "lodging", "amount": "1250.00"}
    values.update(overrides)
    return ContributionInput(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"amount": "-20"}, "amount", "more than zero"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "twelve"}, "amount", "not a number"),
        ({"amount": "NaN"}, "amount", "not a number"),
        ({"amount": "12.345"}, "amount", "at most 2 decimal places"),
        ({"amount": 12.5}, "amount", "not a float"),
        ({"amount": ""}, "amount", "Give the amount"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": "EURO"}, "currency", "ISO 4217"),
        ({"currency": "EUR"}, "usd_rate", "rate to US dollars"),
        ({"currency": "EUR", "usd_rate": "1.08"}, "rate_date", "date of the EUR rate"),
        (
            {"currency": "EUR", "usd_rate": "-1", "rate_date": dt.date(2023, 5, 1)},
            "usd_rate",
            "more than zero",
        ),
        ({"paid_for": "in_kind", "description": "Rooms"}, "valuation_method", "valued"),
    ],
)
def test_bad_money_names_its_field_and_saves_nothing(
    clerk: User,
    trip: Activity,
    foundation: Funder,
    overrides: dict[str, object],
    field: str,
    words: str,
) -> None:
    with pytest.raises(ValidationError) as error:
        contribution_create(actor=clerk, activity=trip, data=data(foundation, **overrides))
    assert words in " ".join(error.value.message_dict[field])
    assert not Contribution.objects.exists()


def test_a_foreign_amount_is_kept_in_its_currency_and_in_dollars_at_the_rate(
    clerk: User, trip: Activity, foundation: Funder
) -> None:
    c = contribution_create(
        actor=clerk,
        activity=trip,
        data=data(
            foundation,
            amount="10000",
            currency="ils",
            usd_rate="0.2712",
            rate_date=dt.date(2023, 4, 28),
        ),
    )
    c.refresh_from_db()
    assert (c.amount, c.currency, c.usd_amount) == (Decimal("10000.00"), "ILS", Decimal("2712.00"))
    assert c.history.get().history_user == clerk


def test_only_coordinators_record_contributions(
    commander: User, trip: Activity, foundation: Funder
) -> None:
    with pytest.raises(Forbidden):
        contribution_create(actor=commander, activity=trip, data=data(foundation))
    assert not Contribution.objects.exists()


def test_the_database_refuses_a_negative_amount_or_a_foreign_amount_without_rate(
    trip: Activity, foundation: Funder
) -> None:
    for fields in (
        {"amount": Decimal("-5"), "usd_amount": Decimal("-5")},
        {"amount": Decimal("5"), "usd_amount": Decimal("5"), "currency": "EUR"},
        {"amount": Decimal("5"), "usd_amount": Decimal("5"), "currency": "eu"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Contribution.objects.create(
                agency=trip.agency,
                activity=trip,
                funder=foundation,
                paid_for="meals",
                **fields,
            )
