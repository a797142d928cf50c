"""Restricted data (issue 6, part 6): contacts, trainees and vetting answer 404 to every
role but the agency's security officers and overseers, on pages and in the API, lists
omit them, and every read — detail or list row — is logged with who, when, what and
through which door."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from liaison.accounts.models import Agency, RoleGrant, User
from liaison.accounts.tests.factories import UserFactory
from liaison.records.models import RestrictedRead
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory

READERS = ["security_officer", "inspector"]
OTHERS = ["clerk", "commander", "reviewer", "administrator", "employee_user", "outsider"]


@pytest.fixture
def records(agency: Agency) -> dict[str, Any]:
    contact = ContactFactory.create(
        activity__agency=agency, external_person__full_name="Khalid Al Mansoori",
        email="khalid@example.org",
    )  # fmt: skip
    trainee = TraineeFactory.create(activity__agency=agency, external_person__full_name="Omar K")
    vetting = VettingFactory.create(contact=contact, reference="INV-23-114")
    return {"contact": contact, "trainee": trainee, "vetting": vetting}


def detail_urls(r: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(page URL, API URL, the record it shows)."""
    c, t, v = r["contact"], r["trainee"], r["vetting"]
    return [
        (f"/vetting/contacts/{c.pk}/", f"/api/v1/vetting/contacts/{c.pk}", c),
        (f"/vetting/trainees/{t.pk}/", f"/api/v1/vetting/trainees/{t.pk}", t),
        (f"/vetting/requests/{v.pk}/", f"/api/v1/vetting/requests/{v.pk}", v),
    ]


def reads_of(user: User, obj: Any, door: str) -> int:
    return RestrictedRead.objects.filter(
        user=user,
        door=door,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
    ).count()


@pytest.mark.parametrize("persona", OTHERS)
def test_other_roles_get_404_on_pages_and_api_and_nothing_is_logged(
    persona: str, request: pytest.FixtureRequest, records: dict[str, Any]
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    activity_pk = records["contact"].activity_id
    urls = [u for page, api, _ in detail_urls(records) for u in (page, api)] + [
        f"/activities/{activity_pk}/contacts/",
        f"/api/v1/activities/{activity_pk}/contacts",
        "/vetting/contacts/",
        "/api/v1/vetting/contacts",
        "/vetting/",
        "/api/v1/vetting/queue",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, (persona, url, response.status_code)
        assert b"Khalid" not in response.content and b"INV-23-114" not in response.content
    assert RestrictedRead.objects.count() == 0


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_each_record_and_each_read_is_logged_per_door(
    persona: str, request: pytest.FixtureRequest, records: dict[str, Any]
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    for page, api, obj in detail_urls(records):
        assert client.get(page).status_code == 200
        assert reads_of(user, obj, "page") == 1
        assert client.get(api).status_code == 200
        assert reads_of(user, obj, "api") == 1
    row = RestrictedRead.objects.filter(user=user, door="api").order_by("-id").first()
    assert row is not None and row.path.startswith("/api/v1/vetting/requests/")
    assert row.at is not None and row.agency_id == records["contact"].agency_id


def test_contact_details_show_only_to_readers_and_list_rows_are_logged(
    security_officer: User, records: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(security_officer)
    page = client.get("/vetting/contacts/")
    assert b"Khalid Al Mansoori" in page.content
    assert reads_of(security_officer, records["contact"], "page") == 1
    api = client.get("/api/v1/vetting/contacts").json()
    assert [i["email"] for i in api["items"]] == ["khalid@example.org"]
    assert reads_of(security_officer, records["contact"], "api") == 1


def test_the_activity_section_logs_each_contact_and_trainee_shown(
    security_officer: User, agency: Agency, records: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(security_officer)
    contact = records["contact"]
    client.get(f"/activities/{contact.activity_id}/contacts/")
    client.get(f"/api/v1/activities/{contact.activity_id}/contacts")
    assert reads_of(security_officer, contact, "page") == 1
    assert reads_of(security_officer, contact, "api") == 1


def test_another_agencys_overseer_gets_404(other_agency: Agency, records: dict[str, Any]) -> None:
    overseer = UserFactory.create(username="other-ig")
    RoleGrant.objects.create(user=overseer, role="overseer", agency=other_agency)
    client = Client()
    client.force_login(overseer)
    for page, api, _ in detail_urls(records):
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404
    assert RestrictedRead.objects.count() == 0


def test_the_log_is_read_by_overseers_and_administrators_only(
    security_officer: User,
    inspector: User,
    administrator: User,
    clerk: User,
    records: dict[str, Any],
) -> None:
    reader = Client()
    reader.force_login(security_officer)
    reader.get(f"/vetting/contacts/{records['contact'].pk}/")
    for user in (inspector, administrator):
        client = Client()
        client.force_login(user)
        items = client.get("/api/v1/vetting/reads?username=security").json()["items"]
        assert [(i["username"], i["door"], i["object_type"]) for i in items] == [
            ("security", "page", "contact")
        ]
        assert b"security" in client.get("/vetting/reads/").content
    client = Client()
    client.force_login(clerk)
    assert client.get("/api/v1/vetting/reads").status_code == 403
    assert client.get("/vetting/reads/").status_code == 403


def test_bad_input_through_the_api_names_the_field_and_saves_nothing(
    security_officer: User, records: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(security_officer)
    contact = records["contact"]
    before = VettingRequest.objects.count()
    answer = client.post(
        f"/api/v1/vetting/contacts/{contact.pk}/requests",
        {"channel": "fbi_legat", "sent_on": "2023-05-10", "expires_on": "2023-05-01"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "expires_on" in answer.json()["errors"]
    assert VettingRequest.objects.count() == before
    answer = client.post(
        f"/api/v1/activities/{contact.activity_id}/contacts",
        {
            "organisation_id": None,
            "external_person_id": TraineeFactory.create(
                activity__agency=contact.agency
            ).external_person_id,
            "circumstance": "host",
            "met_on": "2023-05-02",
            "country": "XX",
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "Unknown country" in answer.json()["errors"]["country"][0]
    assert Contact.objects.count() == 1


def test_the_page_form_shows_the_expiry_error_on_its_field(
    security_officer: User, records: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(security_officer)
    contact = records["contact"]
    response = client.post(
        f"/vetting/contacts/{contact.pk}/requests/new/",
        {"channel": "state_department", "sent_on": "2023-05-10", "expires_on": "2023-05-01"},
    )
    assert response.status_code == 422
    assert "The expiry must be after the date the request was sent" in response.content.decode()
    assert VettingRequest.objects.filter(contact=contact).count() == 1


def test_a_decision_on_the_page_moves_the_status_and_a_refusal_says_why(
    security_officer: User, records: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(security_officer)
    vetting = records["vetting"]
    refused = client.post(f"/vetting/requests/{vetting.pk}/transition/", {"name": "approve"},
                          follow=True)  # fmt: skip
    assert "source document" in refused.content.decode()
    assert VettingRequest.objects.get(pk=vetting.pk).status == "requested"
    client.post(
        f"/vetting/requests/{vetting.pk}/transition/",
        {"name": "approve", "source_document": "Embassy cable", "decided_on": "2023-06-01",
         "expires_on": "2024-06-01"},
    )  # fmt: skip
    stored = VettingRequest.objects.get(pk=vetting.pk)
    assert (stored.status, stored.expires_on) == ("approved", dt.date(2024, 6, 1))
    assert InboundTrainee.objects.count() == 1
