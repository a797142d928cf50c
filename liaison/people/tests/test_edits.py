"""Editing organisations and external persons: one service each, two doors (the edit page
and PATCH), the same answer on both, history attributed to the editor, and a role × action
table that checks what changed in the database, not the status code alone."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.core.errors import Forbidden
from liaison.people.models import ExternalPerson, Organisation
from liaison.people.services import external_person_update, organisation_update
from liaison.people.tests.factories import ExternalPersonFactory, OrganisationFactory

API = "/api/v1"


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def thai_police(db: None) -> Organisation:
    return OrganisationFactory.create(name="Royal Thai Police", country="TH", org_type="police")


@pytest.fixture
def trainee(agency: Agency, thai_police: Organisation) -> ExternalPerson:
    return ExternalPersonFactory.create(
        agency=agency,
        full_name="Somchai Wong",
        country="TH",
        organisation=thai_police,
        position="Captain",
    )


# --- services --------------------------------------------------------------------------


class TestOrganisationUpdate:
    def test_it_changes_the_fields_given_and_records_who(
        self, clerk: User, thai_police: Organisation
    ) -> None:
        before = thai_police.history.count()
        organisation_update(
            actor=clerk, organisation=thai_police, name="  Royal  Thai Police Bureau ", notes="x"
        )
        thai_police.refresh_from_db()
        assert (thai_police.name, thai_police.notes, str(thai_police.country)) == (
            "Royal Thai Police Bureau",
            "x",
            "TH",
        )
        assert thai_police.history.count() == before + 1
        assert thai_police.history.latest().history_user == clerk

    def test_a_name_taken_in_the_same_country_is_refused(
        self, clerk: User, thai_police: Organisation
    ) -> None:
        OrganisationFactory.create(name="Thai Immigration Bureau", country="TH")
        with pytest.raises(ValidationError) as caught:
            organisation_update(
                actor=clerk, organisation=thai_police, name="thai immigration bureau"
            )
        assert "name" in caught.value.message_dict
        thai_police.refresh_from_db()
        assert thai_police.name == "Royal Thai Police"

    def test_a_bad_country_null_or_unknown_field_names_the_field(
        self, clerk: User, thai_police: Organisation
    ) -> None:
        for changes, key in (
            ({"country": "XX"}, "country"),
            ({"name": None}, "name"),
            ({"agency": 1}, "agency"),
            ({"website": "not a url"}, "website"),
        ):
            with pytest.raises(ValidationError) as caught:
                organisation_update(actor=clerk, organisation=thai_police, **changes)
            assert key in caught.value.message_dict, changes
        assert thai_police.history.count() == 1

    def test_a_role_that_may_not_edit_is_refused_by_the_service_itself(
        self, commander: User, thai_police: Organisation
    ) -> None:
        with pytest.raises(Forbidden):
            organisation_update(actor=commander, organisation=thai_police, name="Changed")
        thai_police.refresh_from_db()
        assert thai_police.name == "Royal Thai Police"


class TestExternalPersonUpdate:
    def test_it_changes_the_fields_given_and_may_clear_the_organisation(
        self, clerk: User, trainee: ExternalPerson
    ) -> None:
        external_person_update(actor=clerk, person=trainee, position="Major", organisation=None)
        trainee.refresh_from_db()
        assert (trainee.position, trainee.organisation) == ("Major", None)
        assert trainee.history.latest().history_user == clerk

    def test_a_null_name_or_the_agency_is_refused(
        self, clerk: User, trainee: ExternalPerson, other_agency: Agency
    ) -> None:
        for changes, key in (
            ({"full_name": None}, "full_name"),
            ({"agency": other_agency}, "agency"),
            ({"country": "ZZ"}, "country"),
        ):
            with pytest.raises(ValidationError) as caught:
                external_person_update(actor=clerk, person=trainee, **changes)
            assert key in caught.value.message_dict
        trainee.refresh_from_db()
        assert (trainee.full_name, trainee.agency_id) == ("Somchai Wong", trainee.agency_id)

    def test_a_coordinator_of_another_agency_is_refused_by_the_service(
        self, outsider: User, trainee: ExternalPerson
    ) -> None:
        with pytest.raises(Forbidden):
            external_person_update(actor=outsider, person=trainee, position="Spy")
        trainee.refresh_from_db()
        assert trainee.position == "Captain"


# --- pages -----------------------------------------------------------------------------


class TestEditPages:
    def test_the_organisation_page_offers_edit_to_editors_only(
        self, clerk: User, commander: User, thai_police: Organisation
    ) -> None:
        url = f"/people/organisations/{thai_police.pk}/"
        assert "Edit organisation" in client_for(clerk).get(url).content.decode()
        assert "Edit organisation" not in client_for(commander).get(url).content.decode()

    def test_editing_an_organisation_saves_and_goes_back_to_it(
        self, clerk: User, thai_police: Organisation
    ) -> None:
        url = f"/people/organisations/{thai_police.pk}/edit/"
        page = client_for(clerk).get(url).content.decode()
        assert 'value="Royal Thai Police"' in page
        assert 'class="usa-combo-box"' in page
        response = client_for(clerk).post(
            url, {"name": "Royal Thai Police", "country": "TH", "org_type": "ministry"}
        )
        assert response.status_code == 302
        thai_police.refresh_from_db()
        assert thai_police.org_type == "ministry"

    def test_an_invalid_edit_shows_errors_and_changes_nothing(
        self, clerk: User, thai_police: Organisation
    ) -> None:
        OrganisationFactory.create(name="Interpol", country="TH")
        response = client_for(clerk).post(
            f"/people/organisations/{thai_police.pk}/edit/",
            {"name": "INTERPOL", "country": "TH", "org_type": "police"},
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert "<title>Error: " in page
        assert "already in the registry" in page
        thai_police.refresh_from_db()
        assert thai_police.name == "Royal Thai Police"

    def test_editing_an_external_person(self, clerk: User, trainee: ExternalPerson) -> None:
        url = f"/people/external/{trainee.pk}/edit/"
        page = client_for(clerk).get(url).content.decode()
        assert 'value="Somchai Wong"' in page
        assert 'name="agency"' not in page  # the agency never changes
        response = client_for(clerk).post(
            url, {"full_name": "Somchai Wongsawat", "country": "TH", "position": "Captain"}
        )
        assert response.status_code == 302
        trainee.refresh_from_db()
        assert (trainee.full_name, trainee.organisation) == ("Somchai Wongsawat", None)


# --- API -------------------------------------------------------------------------------


class TestPatchEndpoints:
    def test_patch_an_organisation(self, clerk: User, thai_police: Organisation) -> None:
        response = patch(
            client_for(clerk), f"/organisations/{thai_police.pk}", {"type": "ministry"}
        )
        assert response.status_code == 200, response.content
        assert response.json()["type"] == "ministry"
        thai_police.refresh_from_db()
        assert thai_police.org_type == "ministry"

    @pytest.mark.parametrize(
        ("body", "key"),
        [
            ({"name": None}, "name"),
            ({"founded": 1932}, "founded"),
            ({"country": "XX"}, "country"),
            ({"type": "army"}, "type"),
        ],
    )
    def test_a_bad_organisation_patch_is_a_422_naming_the_field(
        self, clerk: User, thai_police: Organisation, body: dict[str, Any], key: str
    ) -> None:
        response = patch(client_for(clerk), f"/organisations/{thai_police.pk}", body)
        assert response.status_code == 422, response.content
        assert key in response.json()["errors"], response.json()
        thai_police.refresh_from_db()
        assert (thai_police.name, thai_police.org_type) == ("Royal Thai Police", "police")

    def test_patch_an_external_person(
        self, clerk: User, trainee: ExternalPerson, thai_police: Organisation
    ) -> None:
        other = OrganisationFactory.create(name="Thai Ministry of Interior", country="TH")
        response = patch(
            client_for(clerk),
            f"/external-persons/{trainee.pk}",
            {"organisation_id": other.pk, "position": "Colonel"},
        )
        assert response.status_code == 200, response.content
        trainee.refresh_from_db()
        assert (trainee.organisation, trainee.position) == (other, "Colonel")

    @pytest.mark.parametrize(
        ("body", "key"),
        [
            ({"full_name": None}, "full_name"),
            ({"agency_id": 2}, "agency_id"),
            ({"organisation_id": 10**12}, "organisation_id"),
            ({"country": "ZZ"}, "country"),
        ],
    )
    def test_a_bad_external_person_patch_is_a_422_naming_the_field(
        self, clerk: User, trainee: ExternalPerson, body: dict[str, Any], key: str
    ) -> None:
        response = patch(client_for(clerk), f"/external-persons/{trainee.pk}", body)
        assert response.status_code == 422, response.content
        assert key in response.json()["errors"], response.json()
        trainee.refresh_from_db()
        assert trainee.full_name == "Somchai Wong"


# --- who may: the role × action table, both doors, asserting the effect ------------------

ROLES = ["employee", "approver", "coordinator", "security", "reviewer", "overseer", "admin"]
EDITORS = {"coordinator", "admin"}

Door = Callable[[Client, Any], Any]

ORGANISATION_DOORS: dict[str, Door] = {
    "page": lambda c, o: c.post(
        f"/people/organisations/{o.pk}/edit/",
        {"name": "Changed", "country": str(o.country), "org_type": o.org_type},
    ),
    "api": lambda c, o: patch(c, f"/organisations/{o.pk}", {"name": "Changed"}),
}
PERSON_DOORS: dict[str, Door] = {
    "page": lambda c, p: c.post(
        f"/people/external/{p.pk}/edit/", {"full_name": "Changed", "country": "TH"}
    ),
    "api": lambda c, p: patch(c, f"/external-persons/{p.pk}", {"full_name": "Changed"}),
}


@pytest.mark.parametrize("door", sorted(ORGANISATION_DOORS))
@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_who_may_edit_an_organisation(
    role: str, door: str, agency: Agency, other_agency: Agency, thai_police: Organisation
) -> None:
    user = user_with_role(
        "coordinator" if role == "outsider" else role,
        other_agency if role == "outsider" else agency,
        role,
    )
    response = ORGANISATION_DOORS[door](client_for(user), thai_police)
    thai_police.refresh_from_db()
    # The registry is shared: a coordinator of any agency may keep it.
    if role in EDITORS or role == "outsider":
        assert response.status_code in (200, 302), response.content[:200]
        assert thai_police.name == "Changed"
    else:
        assert response.status_code == 403
        assert thai_police.name == "Royal Thai Police"


@pytest.mark.parametrize("door", sorted(PERSON_DOORS))
@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_who_may_edit_an_external_person(
    role: str, door: str, agency: Agency, other_agency: Agency, trainee: ExternalPerson
) -> None:
    user = user_with_role(
        "coordinator" if role == "outsider" else role,
        other_agency if role == "outsider" else agency,
        role,
    )
    response = PERSON_DOORS[door](client_for(user), trainee)
    trainee.refresh_from_db()
    if role in EDITORS:
        assert response.status_code in (200, 302), response.content[:200]
        assert trainee.full_name == "Changed"
        return
    # People readers see the record but may not change it (403); an employee may not
    # read external persons at all and another agency's coordinator sees nothing (404).
    expected = 404 if role in ("employee", "outsider") else 403
    assert response.status_code == expected
    assert trainee.full_name == "Somchai Wong"


@pytest.mark.parametrize("door", sorted(ORGANISATION_DOORS))
def test_a_renamed_host_is_found_by_its_new_name_at_once(
    door: str, agency: Agency, clerk: User, thai_police: Organisation
) -> None:
    # The search text names each activity's host; a rename through either door rewrites
    # it in the same transaction (``activities.services.organisation_edit``).
    from liaison.activities.services import ActivityInput, LocationInput, activity_create
    from liaison.activities.tests.factories import CategoryFactory

    activity = activity_create(
        actor=clerk,
        agency=agency,
        data=ActivityInput(
            title="Crowd Management Seminar",
            direction="outbound",
            kind="seminar",
            category_id=CategoryFactory.create().pk,
            purpose="Public order.",
            start_date=dt.date(2018, 3, 5),
            end_date=dt.date(2018, 3, 9),
            host_organisation_id=thai_police.pk,
            locations=[LocationInput("TH", "Bangkok")],
        ),
    )
    client = client_for(clerk)

    def found(word: str) -> list[int]:
        return [a["id"] for a in client.get("/api/v1/activities", {"q": word}).json()["items"]]

    assert found("Royal") == [activity.pk]
    ORGANISATION_DOORS[door](client, thai_police)
    assert found("Changed") == [activity.pk]
    assert found("Royal") == []
