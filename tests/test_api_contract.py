"""The API's contract with its clients, across every app: unknown query parameters are
refused by name, every bad value is a 422 naming its field (never a 500), every error is
JSON, and a query error never claims that "nothing was saved"."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.api import api
from liaison.core.schemas import MAX_ID
from liaison.exchange.services import import_batch_create
from liaison.exchange.tests.helpers import GOOD, csv_bytes
from liaison.funding.models import Form801
from liaison.funding.tests.factories import ContributionFactory
from liaison.outcomes.models import NothingAdopted
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    PolicyFactory,
    RecommendationFactory,
)
from liaison.people.models import Employee
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.reports.models import ReportAttachment
from liaison.reports.tests.factories import ReportFactory
from liaison.retention.models import LegalHold, Tombstone
from liaison.security.tests.factories import advisory, done_assessment
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory

API = "/api/v1"
UNKNOWN = "colour"


def openapi() -> dict[str, Any]:
    # As clients read it (status codes are strings in JSON).
    doc: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    return doc


def file_operations() -> set[str]:
    """Paths whose 200 answer is a file (a PDF, an XLSX, a list's CSV export, which may
    also be asked for as JSON), not only JSON: their errors are still JSON."""
    doc = openapi()
    return {
        path
        for path, methods in doc["paths"].items()
        for operation in methods.values()
        if "200" in operation["responses"]
        and (
            "application/json" not in operation["responses"]["200"].get("content", {})
            or set(operation["responses"]["200"]["content"]) - {"application/json"}
        )
    }


FILE_PATHS = file_operations()


def operations(*, lists_only: bool) -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document; ``lists_only``: the GET
    operations whose 200 answer is the list envelope."""
    doc = openapi()
    found = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if lists_only:
                if method != "get" or path in FILE_PATHS:
                    continue
                content = operation["responses"]["200"].get("content", {})
                if "application/json" not in content:
                    continue  # a file download
                ref = content["application/json"].get("schema")
                if "$ref" not in (ref or {}):
                    continue  # a bare JSON array (the 1353 periods), not the envelope
                schema = doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
                if set(schema["properties"]) != {"items", "count", "count_is_exact"}:
                    continue
            found.append((method, path))
    return found


LIST_OPERATIONS = operations(lists_only=True)
ALL_OPERATIONS = operations(lists_only=False)


@pytest.fixture
def world(clerk: User, agency: Agency, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """One record of each kind, so that every path id in the document names something
    the clerk may see."""
    settings.MEDIA_ROOT = tmp_path
    employee = EmployeeFactory.create(agency=agency)
    organisation = OrganisationFactory.create()
    activity = ActivityFactory.create(agency=agency)
    person = ExternalPersonFactory.create(agency=agency)
    contact = ContactFactory.create(activity=activity)
    location = LocationFactory.create(activity=activity, country="IL")
    advisory("IL", 3, dt.date(2023, 10, 14))
    participation = ParticipationFactory.create(activity=activity, employee=employee)
    report = ReportFactory.create(activity=activity, created_by=clerk)
    attachment = ReportAttachment(
        report=report, filename="h.txt", content_type="text/plain", size=2,
        sha256="0" * 64, uploaded_by=clerk,
    )  # fmt: skip
    attachment.file.save("h.txt", ContentFile(b"hi"), save=True)
    contribution = ContributionFactory.create(activity=activity)
    form = Form801.objects.create(
        agency=agency, contribution=contribution, official_use="Training for the unit."
    )
    rec = RecommendationFactory.create(report__activity=activity)
    DecisionFactory.create(recommendation=rec)
    statement = NothingAdopted.objects.create(
        agency=agency, activity=ActivityFactory.create(agency=agency),
        stated_on=dt.date(2024, 1, 2), statement="Nothing applies.", stated_by=clerk,
        stated_by_name="Clerk", stated_by_role="Coordinator",
    )  # fmt: skip
    hold = LegalHold.objects.create(
        agency=agency, scope="agency", scope_label=agency.name, reason="IG review",
        placed_by=clerk, placed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    tombstone = Tombstone.objects.create(
        agency=agency, record_type="activity", record_number=10**9, title="Gone",
        start_date=dt.date(2015, 1, 1), end_date=dt.date(2015, 1, 2), status="completed",
        origin="imported", schedule_years=5, schedule_authority="GRS",
        due_on=dt.date(2020, 1, 2), destroyed_by=clerk,
        destroyed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), content_sha256="0" * 64,
    )  # fmt: skip
    return {
        "hold_id": hold.pk,
        "tombstone_id": tombstone.pk,
        "report_id": report.pk,
        "attachment_id": attachment.pk,
        "funder_id": contribution.funder_id,
        "contribution_id": contribution.pk,
        "form_id": form.pk,
        "period_start": "2023-04-01",
        "recommendation_id": rec.pk,
        "adoption_id": AdoptionFactory.create(recommendation=rec).pk,
        "statement_id": statement.pk,
        "policy_id": PolicyFactory.create(agency=agency).pk,
        "contact_id": contact.pk,
        "trainee_id": TraineeFactory.create(activity__agency=agency).pk,
        "vetting_id": VettingFactory.create(contact=contact).pk,
        "code": "IL",
        "location_id": location.pk,
        "assessment_id": done_assessment(location, clerk).pk,
        "activity_id": activity.pk,
        "agency_id": agency.pk,
        "participation_id": participation.pk,
        "employee_id": employee.pk,
        "organisation_id": organisation.pk,
        "person_id": person.pk,
        "token_id": 1,
        "session_id": 1,
        "batch_id": import_batch_create(
            actor=clerk, agency=agency, file_name="legacy.csv", content=csv_bytes([GOOD])
        ).pk,
    }


def concrete(path: str, ids: dict[str, Any]) -> str:
    return API + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path.removeprefix(API))


def test_the_document_has_list_endpoints_to_check() -> None:
    # Guards the walk below against finding nothing (and so passing vacuously).
    paths = {path for _, path in LIST_OPERATIONS}
    assert f"{API}/activities" in paths
    assert f"{API}/external-persons" in paths
    assert f"{API}/employees/{{employee_id}}/activities" in paths
    assert len(LIST_OPERATIONS) >= 8


# Lists the clerk (a coordinator) may not read, and the persona who may (ADR 0016:
# restricted data answers 404 to a coordinator; the log of reads 403).
LIST_READER = {
    f"{API}/vetting/contacts": "security_officer",
    f"{API}/vetting/reads": "inspector",
    f"{API}/auth-events": "inspector",
    f"{API}/audit/events": "inspector",
}


@pytest.mark.parametrize(("method", "path"), LIST_OPERATIONS)
def test_every_list_endpoint_refuses_an_unknown_parameter_by_name(
    request: pytest.FixtureRequest, world: dict[str, Any], method: str, path: str
) -> None:
    url = concrete(path, world)
    client = client_for(request.getfixturevalue(LIST_READER.get(path, "clerk")))
    assert client.get(url).status_code == 200
    response = client.get(url, {UNKNOWN: "red"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "The query is not valid."
    assert list(body["errors"]) == [UNKNOWN]
    assert body["errors"][UNKNOWN][0].startswith("Unknown parameter; this endpoint takes:")


@pytest.mark.parametrize(("method", "path"), ALL_OPERATIONS)
def test_every_operation_documents_401_and_422(method: str, path: str) -> None:
    responses = openapi()["paths"][path][method]["responses"]
    assert {"401", "422"} <= set(responses)


# Operations whose success is a file, not JSON (their errors are JSON like any other).


@pytest.mark.parametrize("persona", ["employee_user", "outsider", "clerk", "inspector"])
def test_every_status_a_persona_gets_is_in_the_document(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str
) -> None:
    """Each operation, called by each persona with no body (or an empty one), answers a
    status its OpenAPI operation lists: refusals (403, 404) included."""
    client = client_for(request.getfixturevalue(persona))
    doc = openapi()
    undocumented = []
    for method, path in ALL_OPERATIONS:
        url = concrete(path, world)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, "{}", content_type="application/json")
        documented = doc["paths"][path][method]["responses"]
        if str(response.status_code) not in documented:
            undocumented.append(f"{method.upper()} {path} → {response.status_code}")
        if not (response.status_code == 200 and path in FILE_PATHS):
            assert response["Content-Type"].startswith("application/json"), url
    assert not undocumented


def test_the_file_downloads_are_the_ones_we_know() -> None:
    exports = {
        f"{API}/exports/employees",
        f"{API}/exports/external-persons",
        f"{API}/exports/organisations",
        f"{API}/exports/contributions",
        f"{API}/exports/reports",
        f"{API}/exports/activities/csv",
        f"{API}/exports/activities/xlsx",
    }
    assert exports <= FILE_PATHS
    # Besides the lists' exports (every one under /exports/, whichever app adds it): the
    # printed records (ADR 0025) and funding's filings.
    assert {p for p in FILE_PATHS if not p.startswith(f"{API}/exports/")} == {
        f"{API}/funding/forms-801/{{form_id}}/pdf",
        f"{API}/funding/1353/{{period_start}}/xlsx",
        f"{API}/reports/attachments/{{attachment_id}}",
        f"{API}/activities/{{activity_id}}/pdf",
        f"{API}/employees/{{employee_id}}/pdf",
        f"{API}/external-persons/{{person_id}}/pdf",
        f"{API}/organisations/{{organisation_id}}/pdf",
        f"{API}/reports/{{report_id}}/pdf",
    }


def test_a_typo_in_a_filter_is_not_read_as_no_filter(inspector: User) -> None:
    response = client_for(inspector).get(f"{API}/oversight/summary", {"contry": "IL"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["contry"]


def test_an_anonymous_caller_is_asked_to_sign_in_before_anything_else(db: None) -> None:
    assert Client().get(f"{API}/activities", {UNKNOWN: "x"}).status_code == 401


@pytest.mark.parametrize("name", ["organisation", "agency", "year", "page"])
def test_a_filter_value_out_of_range_is_a_422_naming_it(clerk: User, name: str) -> None:
    value = "99999" if name == "year" else str(2**64)
    response = client_for(clerk).get(f"{API}/activities", {name: value})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [name]
    assert response.json()["message"] == "The query is not valid."


def test_a_person_filter_is_words_so_a_huge_number_simply_matches_nobody(clerk: User) -> None:
    response = client_for(clerk).get(f"{API}/activities", {"person": str(2**64)})
    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_a_path_id_beyond_64_bits_is_a_422_naming_it(clerk: User) -> None:
    for url, name in (
        (f"{API}/activities/{2**64}", "activity_id"),
        (f"{API}/employees/{2**64}/activities", "employee_id"),
        (f"{API}/organisations/{MAX_ID + 1}", "organisation_id"),
    ):
        response = client_for(clerk).get(url)
        assert response.status_code == 422, url
        assert list(response.json()["errors"]) == [name]
    assert client_for(clerk).get(f"{API}/activities/{MAX_ID}").status_code == 404
    assert client_for(clerk).get(f"{API}/activities/²").status_code == 422


def test_ids_in_a_body_beyond_64_bits_are_refused_by_name(clerk: User, agency: Agency) -> None:
    category = CategoryFactory.create()
    body = {
        "title": "Course",
        "direction": "outbound",
        "kind": "course",
        "category_id": category.pk,
        "purpose": "Learn.",
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
        "locations": [{"country": "CA"}],
        "host_organisation_id": 2**64,
        "participants": [{"employee_id": 2**70}],
    }
    response = client_for(clerk).post(
        f"{API}/activities", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"host_organisation_id", "participants[0].employee_id"}
    assert response.json()["message"] == "The input is not valid; nothing was saved."


def test_a_patch_may_not_null_a_field(clerk: User, agency: Agency) -> None:
    employee = EmployeeFactory.create(agency=agency, rank="Sergeant")
    client = client_for(clerk)
    url = f"{API}/employees/{employee.pk}"
    response = client.patch(url, json.dumps({"rank": None}), content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["rank"]
    assert Employee.objects.get(pk=employee.pk).rank == "Sergeant"


@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "42", '"text"', "{not json"])
def test_a_body_that_is_not_a_json_object_is_a_422(clerk: User, agency: Agency, body: str) -> None:
    employee = EmployeeFactory.create(agency=agency, rank="Sergeant")
    response = client_for(clerk).patch(
        f"{API}/employees/{employee.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["message"] == "The input is not valid; nothing was saved."
    assert Employee.objects.get(pk=employee.pk).rank == "Sergeant"


def test_text_with_a_nul_character_is_refused_not_a_server_error(
    clerk: User, agency: Agency
) -> None:
    client = client_for(clerk)
    response = client.get(f"{API}/activities", {"q": "drug\x00labs"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["q"]
    response = client.post(
        f"{API}/organisations",
        json.dumps({"name": "Bad\u0000Name", "country": "CA", "type": "police"}),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_errors_outside_the_handlers_are_json_too(clerk: User) -> None:
    client = client_for(clerk)
    missing = client.get(f"{API}/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Not found.", "errors": {}}
    not_allowed = client.delete(f"{API}/activities")
    assert not_allowed.status_code == 405
    assert not_allowed.json()["message"] == "The method DELETE is not allowed here."
    assert "GET" in not_allowed["Allow"]
    # Pages keep their HTML error pages.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json(clerk: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("liaison.activities.api.activity_list", explode)
    client = client_for(clerk)
    client.raise_request_exception = False
    response = client.get(f"{API}/activities")
    assert response.status_code == 500
    assert response.json() == {"message": "Something went wrong on our side.", "errors": {}}


def test_no_two_schemas_share_a_name_in_the_document() -> None:
    """The OpenAPI document names a schema by its class name: two apps' ``PolicyOut``
    would silently become one, and one endpoint would document the other's answer."""
    import collections

    from ninja import Schema

    api.get_openapi_schema()  # every router is imported
    modules: dict[str, set[str]] = collections.defaultdict(set)

    def walk(cls: type) -> None:
        sub: type
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("liaison."):
                modules[sub.__name__].add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: m for name, m in modules.items() if len(m) > 1} == {}
