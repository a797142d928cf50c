"""The pages and the API give the same answers: bad input is a 422 naming its field, a
refused move a 409 (a message on the page), and nothing is saved either way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.outcomes.models import Adoption, AlignmentReview, Decision, FollowUp, NothingAdopted
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    PolicyFactory,
    RecommendationFactory,
)
from liaison.reports.models import Recommendation


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def rec(agency: Agency) -> Recommendation:
    return RecommendationFactory.create(report__activity__agency=agency)


def test_a_decision_without_a_reason_is_422_on_reason_and_saves_nothing(
    rec: Recommendation, commander: User
) -> None:
    client = login(commander)
    api = post(client, f"/api/v1/outcomes/recommendations/{rec.pk}/decision", {"name": "adopt"})
    assert api.status_code == 422
    assert "reason" in api.json()["errors"]
    page = client.post(
        f"/outcomes/recommendations/{rec.pk}/decide/", {"name": "adopt"}, follow=True
    )
    assert "Say why" in page.content.decode()
    assert not Decision.objects.exists()


def test_deciding_twice_is_409_with_the_reason(rec: Recommendation, commander: User) -> None:
    client = login(commander)
    url = f"/api/v1/outcomes/recommendations/{rec.pk}/decision"
    assert post(client, url, {"name": "reject", "reason": "Unsafe."}).status_code == 200
    again = post(client, url, {"name": "adopt", "reason": "Changed my mind."})
    assert again.status_code == 409
    assert "already been decided" in again.json()["message"]
    page = client.post(f"/outcomes/recommendations/{rec.pk}/decide/",
                       {"name": "adopt", "reason": "Changed."}, follow=True)  # fmt: skip
    assert "already been decided" in page.content.decode()
    assert Decision.objects.get().outcome == "rejected"


def test_adopt_then_record_the_adoption_through_the_api(
    rec: Recommendation, commander: User
) -> None:
    client = login(commander)
    decided = post(client, f"/api/v1/outcomes/recommendations/{rec.pk}/decision",
                   {"name": "adopt", "reason": "Proven abroad."}).json()  # fmt: skip
    assert decided["state"] == "adopted"
    assert decided["decision"]["decided_by_role"] == "Approver"
    made = post(client, f"/api/v1/outcomes/recommendations/{rec.pk}/adoptions",
                {"kind": "training_programme", "what_changed": "A two-day course.",
                 "effective_on": "2024-03-01"})  # fmt: skip
    assert made.status_code == 201
    body = made.json()
    assert body["next_follow_up_due"] == "2024-09-01"
    assert body["reviewed"] is False


def test_an_unknown_kind_is_422_and_saves_nothing(rec: Recommendation, commander: User) -> None:
    DecisionFactory.create(recommendation=rec)
    client = login(commander)
    body = {"kind": "drone", "what_changed": "Drones.", "effective_on": "2024-03-01"}
    made = post(client, f"/api/v1/outcomes/recommendations/{rec.pk}/adoptions", body)
    assert made.status_code == 422
    assert "kind" in made.json()["errors"]
    assert not Adoption.objects.exists()


def test_a_follow_up_on_a_closed_adoption_is_409(agency: Agency, commander: User) -> None:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    adoption = AdoptionFactory.create(recommendation=rec)
    client = login(commander)
    body = {"name": "close", "reason": "In the academy curriculum.", "on": "2024-09-01"}
    closed = post(client, f"/api/v1/outcomes/adoptions/{adoption.pk}/transitions", body)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    refused = post(client, f"/api/v1/outcomes/adoptions/{adoption.pk}/follow-ups",
                   {"note": "Checked."})  # fmt: skip
    assert refused.status_code == 409
    page = client.post(f"/outcomes/adoptions/{adoption.pk}/follow-ups/", {"note": "Checked."},
                       follow=True)  # fmt: skip
    assert "closed adoption is not followed up" in page.content.decode()
    assert not FollowUp.objects.exists()


def test_nothing_adopted_when_something_was_is_409_on_both_doors(
    agency: Agency, clerk: User
) -> None:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    AdoptionFactory.create(recommendation=rec)
    client = login(clerk)
    api = post(client, f"/api/v1/activities/{rec.activity_id}/nothing-adopted",
               {"statement": "Nothing applicable."})  # fmt: skip
    assert api.status_code == 409
    page = client.post(f"/activities/{rec.activity_id}/outcomes/nothing-adopted/",
                       {"statement": "Nothing applicable."}, follow=True)  # fmt: skip
    assert "would be false" in page.content.decode()
    assert not NothingAdopted.objects.exists()


def test_a_review_of_an_unknown_policy_is_422_on_policy(agency: Agency, reviewer: User) -> None:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    adoption = AdoptionFactory.create(recommendation=rec)
    client = login(reviewer)
    api = post(client, f"/api/v1/outcomes/adoptions/{adoption.pk}/reviews",
               {"policy_id": 999999, "verdict": "aligned", "rationale": "Fine."})  # fmt: skip
    assert api.status_code == 422
    assert "policy" in api.json()["errors"]
    policy = PolicyFactory.create(agency=agency)
    no_rationale = post(client, f"/api/v1/outcomes/adoptions/{adoption.pk}/reviews",
                        {"policy_id": policy.pk, "verdict": "conflicts"})  # fmt: skip
    assert no_rationale.status_code == 422
    assert "rationale" in no_rationale.json()["errors"]
    page = client.post(f"/outcomes/adoptions/{adoption.pk}/reviews/new/",
                       {"policy": policy.pk, "verdict": "conflicts", "rationale": ""})  # fmt: skip
    assert page.status_code == 422
    assert not AlignmentReview.objects.exists()


def test_every_page_renders_for_a_reader(agency: Agency, reviewer: User, inspector: User) -> None:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    adoption = AdoptionFactory.create(recommendation=rec, effective_on=dt.date(2024, 3, 1))
    policy = PolicyFactory.create(agency=agency)
    pages = [
        f"/activities/{rec.activity_id}/outcomes/",
        f"/outcomes/recommendations/{rec.pk}/",
        f"/outcomes/adoptions/{adoption.pk}/",
        "/outcomes/adoptions/",
        "/outcomes/awaiting-review/",
        "/outcomes/policies/",
        f"/outcomes/policies/{policy.pk}/",
    ]
    for user in (reviewer, inspector):
        client = login(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)
    client = login(reviewer)
    assert client.get(f"/outcomes/adoptions/{adoption.pk}/reviews/new/").status_code == 200
    assert client.get(f"/outcomes/policies/{policy.pk}/edit/").status_code == 200
    assert client.get("/outcomes/policies/new/").status_code == 200


def test_a_reviewer_edits_a_policy_through_the_page_and_the_api(
    agency: Agency, reviewer: User
) -> None:
    policy = PolicyFactory.create(agency=agency, identifier="130.25")
    client = login(reviewer)
    patched = client.patch(f"/api/v1/policies/{policy.pk}", {"source_url": "https://example.org/m"},
                           content_type="application/json")  # fmt: skip
    assert patched.status_code == 200
    assert patched.json()["history"][0]["source_url"] == "https://example.org/m"
    bad = client.patch(f"/api/v1/policies/{policy.pk}", {"source_url": "not a link"},
                       content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "source_url" in bad.json()["errors"]
    made = post(client, "/api/v1/policies", {"identifier": "130.25", "title": "Copy"})
    assert made.status_code == 422 and "identifier" in made.json()["errors"]
