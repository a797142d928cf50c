"""Correcting a recorded contribution: the same checks as recording it, a reason, one
history row that keeps the old values, the same answer through the page and the API, and
no change once its Form 801 has been verified."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.funding.models import Contribution, Form801
from liaison.funding.services import ContributionInput, contribution_correct
from liaison.funding.tests.factories import ContributionFactory, FunderFactory


@pytest.fixture
def payment(agency: Agency) -> Contribution:
    funder = FunderFactory.create(agency=agency, name="Metro City Police Foundation")
    return ContributionFactory.create(activity__agency=agency, funder=funder)


def _as_recorded(c: Contribution, **changes: Any) -> ContributionInput:
    values: dict[str, Any] = {
        "funder": c.funder,
        "paid_for": c.paid_for,
        "amount": str(c.amount),
        "currency": c.currency,
    }
    values.update(changes)
    return ContributionInput(**values)


def _page_body(c: Contribution, **changes: Any) -> dict[str, Any]:
    body = {"funder": c.funder_id, "paid_for": c.paid_for, "amount": str(c.amount)}
    body.update({"currency": c.currency, "reason": "Receipt shows 1,799.", **changes})
    return body


def _api_body(c: Contribution, **changes: Any) -> dict[str, Any]:
    body = {"funder_id": c.funder_id, "paid_for": c.paid_for, "amount": str(c.amount)}
    body.update({"reason": "Receipt shows 1,799.", **changes})
    return body


def test_a_correction_keeps_the_old_values_in_one_history_row(
    clerk: User, payment: Contribution
) -> None:
    before = payment.history.count()
    contribution_correct(
        actor=clerk,
        contribution=payment,
        data=_as_recorded(payment, amount="1799.00"),
        reason="Receipt shows 1,799.",
    )
    payment.refresh_from_db()
    assert (payment.amount, payment.usd_amount) == (Decimal("1799.00"), Decimal("1799.00"))
    rows = list(payment.history.order_by("-history_id"))
    assert len(rows) == before + 1
    assert rows[0].history_user == clerk
    assert rows[0].history_change_reason == "Receipt shows 1,799."
    assert rows[1].amount == Decimal("1800.00")


def test_a_correction_that_changes_nothing_writes_no_history(
    clerk: User, payment: Contribution
) -> None:
    before = payment.history.count()
    contribution_correct(
        actor=clerk, contribution=payment, data=_as_recorded(payment), reason="Checked."
    )
    assert payment.history.count() == before


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"amount": "abc"}, "Typo.", "amount"),
        ({"amount": "-5"}, "Typo.", "amount"),
        ({"currency": "EUR"}, "Paid in euros.", "usd_rate"),
        ({}, "  ", "reason"),
        ({}, "x" * 101, "reason"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    clerk: User, payment: Contribution, changes: dict[str, Any], reason: str, field: str
) -> None:
    before = payment.history.count()
    with pytest.raises(ValidationError) as caught:
        contribution_correct(
            actor=clerk,
            contribution=payment,
            data=_as_recorded(payment, **changes),
            reason=reason,
        )
    assert field in caught.value.message_dict
    payment.refresh_from_db()
    assert payment.amount == Decimal("1800.00")
    assert payment.history.count() == before


def test_a_funder_of_another_agency_is_refused(
    clerk: User, payment: Contribution, other_agency: Agency
) -> None:
    stranger = FunderFactory.create(agency=other_agency)
    with pytest.raises(ValidationError) as caught:
        contribution_correct(
            actor=clerk,
            contribution=payment,
            data=_as_recorded(payment, funder=stranger),
            reason="Other funder.",
        )
    assert "funder" in caught.value.message_dict
    payment.refresh_from_db()
    assert payment.funder.name == "Metro City Police Foundation"


def test_a_verified_form_801_freezes_the_payment_on_both_doors(
    clerk: User, payment: Contribution
) -> None:
    Form801.objects.create(
        agency_id=payment.agency_id,
        contribution=payment,
        official_use="Training.",
        verified_by_name="Chief Ortiz",
        verified_on=dt.date(2024, 6, 1),
    )
    client = client_for(clerk)
    page = client.post(
        f"/funding/contributions/{payment.pk}/correct/", _page_body(payment, amount="1799.00")
    )
    assert page.status_code == 422
    assert "verified on 01 June 2024" in page.content.decode()
    api = client.put(
        f"/api/v1/funding/contributions/{payment.pk}",
        json.dumps(_api_body(payment, amount="1799.00")),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "verified on 01 June 2024" in api.content.decode()
    payment.refresh_from_db()
    assert payment.amount == Decimal("1800.00")
    # The funding page offers no correction link for it.
    funding = client.get(f"/activities/{payment.activity_id}/funding/").content.decode()
    assert f"/funding/contributions/{payment.pk}/correct/" not in funding
    assert "Form 801 verified: not changed" in funding


def test_the_page_is_filled_with_what_is_recorded_and_corrects_it(
    clerk: User, payment: Contribution
) -> None:
    client = client_for(clerk)
    funding = client.get(f"/activities/{payment.activity_id}/funding/").content.decode()
    assert f"/funding/contributions/{payment.pk}/correct/" in funding
    form = client.get(f"/funding/contributions/{payment.pk}/correct/")
    assert form.status_code == 200
    assert 'value="1800.00"' in form.content.decode()
    response = client.post(
        f"/funding/contributions/{payment.pk}/correct/", _page_body(payment, amount="1799.00")
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.amount == Decimal("1799.00")


def test_the_api_corrects_and_refuses_a_missing_reason_by_name(
    clerk: User, payment: Contribution
) -> None:
    client = client_for(clerk)
    url = f"/api/v1/funding/contributions/{payment.pk}"
    body = _api_body(payment, amount="1799.00")
    del body["reason"]
    refused = client.put(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert "reason" in refused.content.decode()
    payment.refresh_from_db()
    assert payment.amount == Decimal("1800.00")
    done = client.put(
        url, json.dumps(_api_body(payment, amount="1799.00")), content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["amount"] == "1799.00"
    payment.refresh_from_db()
    assert payment.amount == Decimal("1799.00")
