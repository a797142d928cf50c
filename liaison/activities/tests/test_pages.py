"""The activity pages, driven through the Django test client with the personas.

What a page shows is checked by what a user would read (text, links, error messages next
to fields); what it saves, by the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from liaison.accounts.access import AGENCY_REQUIRED
from liaison.accounts.models import Agency, RoleGrant, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity, Category, Location, Participation
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.activities.workflow import Status
from liaison.approvals.tests.helpers import make_upcoming, through_security
from liaison.people.models import Employee
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.security.tests.factories import done_assessment

LIST_URL = reverse("activities:list")
CREATE_URL = reverse("activities:create")


def html(response: Any) -> str:
    return str(response.content.decode())


def make_activity(
    agency: Agency, *, country: str = "CA", city: str = "Toronto", **fields: Any
) -> Activity:
    activity: Activity = ActivityFactory.create(agency=agency, **fields)
    LocationFactory.create(activity=activity, country=country, city=city)
    return activity


# ---------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------


class TestActivityList:
    def test_it_asks_anonymous_visitors_to_sign_in(self, db: None) -> None:
        response = Client().get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_it_shows_the_agencys_activities_to_a_coordinator(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        make_activity(agency, title="Crowd Control with the Royal Thai Police")
        make_activity(other_agency, title="Sheriff Aviation Convention")
        page = html(client_for(clerk).get(LIST_URL))
        assert "Crowd Control with the Royal Thai Police" in page
        assert "Sheriff Aviation Convention" not in page
        assert "1 activity matches" in page

    def test_an_outsider_sees_none_of_the_agencys_activities(
        self, outsider: User, agency: Agency
    ) -> None:
        make_activity(agency, title="Crowd Control with the Royal Thai Police")
        page = html(client_for(outsider).get(LIST_URL))
        assert "Royal Thai Police" not in page
        assert "No activities match" in page

    def test_an_employee_sees_only_activities_they_take_part_in_or_created(
        self, employee_user: User, employee_record: Employee, agency: Agency
    ) -> None:
        attended = make_activity(agency, title="Interpol Crimes Against Children Course")
        ParticipationFactory.create(activity=attended, employee=employee_record)
        make_activity(
            agency,
            title="Own Request for a Drug Lab Course",
            created_by=employee_user,
            status=Status.DRAFT,
        )
        make_activity(agency, title="Someone Else's Olympics Preparation")
        page = html(client_for(employee_user).get(LIST_URL))
        assert "Interpol Crimes Against Children Course" in page
        assert "Own Request for a Drug Lab Course" in page
        assert "Olympics Preparation" not in page
        assert "2 activities match" in page

    def test_the_new_activity_button_is_offered_only_to_those_who_may_create(
        self, clerk: User, commander: User
    ) -> None:
        assert "New activity" in html(client_for(clerk).get(LIST_URL))
        assert "New activity" not in html(client_for(commander).get(LIST_URL))

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"country": "IL"}, "Command and Control Counter-Terrorism"),
            ({"category": "aviation"}, "Aviation Convention in Bogota"),
            ({"direction": "inbound"}, "Inbound Course for Ministry Officers"),
            ({"year": "2016"}, "Aviation Convention in Bogota"),
            ({"status": "draft"}, "Inbound Course for Ministry Officers"),
            ({"q": "counter-terrorism"}, "Command and Control Counter-Terrorism"),
        ],
    )
    def test_each_filter_narrows_the_list(
        self, clerk: User, agency: Agency, query: dict[str, str], expected: str
    ) -> None:
        aviation = CategoryFactory.create(name="Aviation", slug="aviation")
        make_activity(
            agency,
            title="Command and Control Counter-Terrorism",
            country="IL",
            city="Jerusalem",
            start_date=dt.date(2018, 3, 1),
            end_date=dt.date(2018, 3, 9),
        )
        make_activity(
            agency,
            title="Aviation Convention in Bogota",
            country="CO",
            category=aviation,
            start_date=dt.date(2016, 6, 1),
            end_date=dt.date(2016, 6, 3),
        )
        make_activity(
            agency,
            title="Inbound Course for Ministry Officers",
            country="US",
            direction="inbound",
            status=Status.DRAFT,
        )
        page = html(client_for(clerk).get(LIST_URL, query))
        assert expected in page
        assert "1 activity matches" in page

    def test_it_filters_by_person_and_names_them(self, clerk: User, agency: Agency) -> None:
        person = EmployeeFactory.create(
            agency=agency, first_name="Ana", last_name="Ortiz", rank="Detective"
        )
        attended = make_activity(agency, title="Human Trafficking Course in Toronto")
        ParticipationFactory.create(activity=attended, employee=person)
        make_activity(agency, title="Clandestine Drug Labs Course")
        for named in (person.serial_number, "ana ortiz", "Ortiz"):
            page = html(client_for(clerk).get(LIST_URL, {"person": named}))
            assert "Human Trafficking Course in Toronto" in page
            assert "Clandestine Drug Labs" not in page
            assert "Activities of <strong>Detective Ana Ortiz</strong>" in page
        # An internal id is not a way to name a person.
        page = html(client_for(clerk).get(LIST_URL, {"person": str(person.pk)}))
        assert "Human Trafficking Course in Toronto" not in page

    def test_it_filters_by_host_or_organiser_organisation(
        self, clerk: User, agency: Agency
    ) -> None:
        interpol = OrganisationFactory.create(
            name="Interpol", country="FR", org_type="international"
        )
        make_activity(
            agency, title="Crimes Against Children, Singapore", organiser_organisation=interpol
        )
        make_activity(agency, title="Clandestine Drug Labs Course")
        page = html(client_for(clerk).get(LIST_URL, {"organisation": interpol.pk}))
        assert "Crimes Against Children, Singapore" in page
        assert "Clandestine Drug Labs" not in page

    def test_a_lower_case_country_code_is_understood(self, clerk: User, agency: Agency) -> None:
        make_activity(agency, title="Olympics Preparation in Paris", country="FR")
        page = html(client_for(clerk).get(LIST_URL, {"country": "fr"}))
        assert "Olympics Preparation in Paris" in page
        assert "ignored" not in page

    def test_it_sorts_by_title(self, clerk: User, agency: Agency) -> None:
        make_activity(agency, title="Beta Course")
        make_activity(agency, title="Alpha Course")
        page = html(client_for(clerk).get(LIST_URL, {"sort": "title"}))
        assert page.index("Alpha Course") < page.index("Beta Course")
        page = html(client_for(clerk).get(LIST_URL, {"sort": "-title"}))
        assert page.index("Beta Course") < page.index("Alpha Course")

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"year": "abc"}, "Choose a year from the list."),
            ({"country": "XX"}, "Select a valid choice. XX is not one of the available choices."),
            ({"organisation": "someone"}, "An organisation id is a number."),
            ({"organisation": str(2**64)}, "No organisation has an id that large."),
            ({"status": "lost"}, "Select a valid choice."),
        ],
    )
    def test_a_value_it_cannot_use_is_reported_and_ignored(
        self, clerk: User, agency: Agency, query: dict[str, str], message: str
    ) -> None:
        make_activity(agency, title="Human Trafficking Course in Toronto")
        response = client_for(clerk).get(LIST_URL, query)
        assert response.status_code == 200
        page = html(response)
        assert "Some filters could not be used and were ignored" in page
        assert message in page
        assert "1 activity matches" in page

    def test_a_country_with_no_activities_explains_the_empty_result(
        self, clerk: User, agency: Agency
    ) -> None:
        make_activity(agency, country="CA")
        page = html(client_for(clerk).get(LIST_URL, {"country": "PL"}))
        assert "No activities match" in page
        assert "clear all filters" in page

    def test_pagination_keeps_the_filters_in_its_links(
        self, clerk: User, agency: Agency, settings: Any
    ) -> None:
        settings.PAGE_SIZE = 2
        for n in range(5):
            make_activity(agency, title=f"Canada Course {n}", country="CA")
        make_activity(agency, title="Poland Convention", country="PL")
        response = client_for(clerk).get(LIST_URL, {"country": "CA", "page": "2"})
        page = html(response)
        assert "5 activities match" in page
        assert "page 2 of 3" in page
        assert 'aria-label="Activity list pages"' in page
        assert 'href="?country=CA&amp;page=3"' in page
        assert "Poland Convention" not in page

    def test_an_htmx_request_gets_only_the_results_region(
        self, clerk: User, agency: Agency
    ) -> None:
        make_activity(agency, title="Human Trafficking Course in Toronto")
        response = client_for(clerk).get(
            LIST_URL, {"q": "trafficking"}, headers={"HX-Request": "true"}
        )
        page = html(response)
        assert 'id="activity-results"' in page
        assert "<html" not in page
        assert "Human Trafficking Course in Toronto" in page
        assert "HX-Request" in response["Vary"]


# ---------------------------------------------------------------------------------------
# The detail page
# ---------------------------------------------------------------------------------------


def detail_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


class TestActivityDetail:
    def test_it_shows_every_field_and_the_people(self, clerk: User, agency: Agency) -> None:
        host = OrganisationFactory.create(name="Israel National Police", country="IL")
        activity = make_activity(
            agency,
            title="Command and Control Counter-Terrorism",
            country="IL",
            city="Jerusalem",
            host_organisation=host,
            justification="Federal grant covers the cost.",
        )
        officer = EmployeeFactory.create(
            agency=agency,
            first_name="Lee",
            last_name="Park",
            rank="Deputy Chief",
            serial_number="10001",
        )
        trainee = ExternalPersonFactory.create(agency=agency, full_name="Omar Haddad")
        ParticipationFactory.create(activity=activity, employee=officer, role="delegation_lead")
        ParticipationFactory.create(
            activity=activity, employee=None, external_person=trainee, role="trainee"
        )
        page = html(client_for(clerk).get(detail_url(activity)))
        for text in (
            "Command and Control Counter-Terrorism",
            "Metro Police Department",
            "Outbound (our staff abroad)",
            "Course",
            "Israel",
            "Jerusalem",
            "Israel National Police",
            "Federal grant covers the cost.",
            "Deputy Chief Lee Park",
            "serial number 10001",
            "Delegation lead",
            "Omar Haddad",
            "Trainee (inbound)",
            "Completed",
        ):
            assert text in page, text

    @pytest.mark.parametrize("persona", ["outsider", "employee_user"])
    def test_it_is_not_found_for_someone_who_may_not_see_it(
        self, request: pytest.FixtureRequest, agency: Agency, persona: str
    ) -> None:
        activity = make_activity(agency)
        response = client_for(request.getfixturevalue(persona)).get(detail_url(activity))
        assert response.status_code == 404

    def test_a_missing_id_is_not_found(self, clerk: User) -> None:
        response = client_for(clerk).get(reverse("activities:detail", args=[999999]))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("persona", "sees_history"),
        [
            ("clerk", True),
            ("inspector", True),
            ("commander", False),
            ("reviewer", False),
        ],
    )
    def test_the_change_history_is_shown_only_to_coordinators_and_overseers(
        self,
        request: pytest.FixtureRequest,
        clerk: User,
        agency: Agency,
        persona: str,
        sees_history: bool,
    ) -> None:
        client_for(clerk).post(CREATE_URL, activity_form_data(agency))
        activity = Activity.objects.get()
        client_for(clerk).post(
            reverse("activities:transition", args=[activity.pk]),
            {"name": "submit", "reason": "Ready for the captain"},
        )
        page = html(client_for(request.getfixturevalue(persona)).get(detail_url(activity)))
        assert ("Change history" in page) is sees_history
        assert ("Ready for the captain" in page) is sees_history
        if sees_history:
            assert str(clerk) in page  # who
            # what changed, from what: labels, not codes; the move named by its label
            assert "<strong>Status</strong>: Draft" in page
            assert "Submitted for approval" in page
            assert "Activity: Submit for approval" in page

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("clerk", 200),
            ("inspector", 200),
            ("commander", 403),
            ("outsider", 404),
        ],
    )
    def test_the_full_history_page_follows_the_same_rule(
        self, request: pytest.FixtureRequest, clerk: User, agency: Agency, persona: str, status: int
    ) -> None:
        client_for(clerk).post(CREATE_URL, activity_form_data(agency))
        activity = Activity.objects.get()
        for n in range(11):
            client_for(clerk).post(
                transition_url(activity),
                {"name": "submit" if n % 2 == 0 else "return", "reason": f"Round {n}"},
            )
        url = reverse("activities:history", args=[activity.pk])
        if persona == "clerk":
            # The detail page shows the latest ten and links to the rest.
            page = html(client_for(clerk).get(detail_url(activity)))
            assert "Round 10" in page
            assert "Round 0" not in page
            assert f'href="{url}"' in page
        response = client_for(request.getfixturevalue(persona)).get(url)
        assert response.status_code == status
        if status == 200:
            assert "Round 0" in html(response)
            assert "Round 10" in html(response)

    def test_it_offers_the_moves_the_user_may_make_now(
        self, clerk: User, commander: User, security_officer: User, agency: Agency
    ) -> None:
        activity = make_upcoming(make_activity(agency, status=Status.SUBMITTED))
        for location in activity.locations.all():  # outbound: every place abroad is assessed
            done_assessment(location, clerk)
        through_security(activity, security=security_officer)
        commander_page = html(client_for(commander).get(detail_url(activity)))
        # Approval may carry conditions: it has its own decision page.
        assert f'href="/approvals/activities/{activity.pk}/decide/"' in commander_page
        # Deny asks for confirmation on its own page.
        assert f'href="/activities/{activity.pk}/transition/deny/"' in commander_page
        assert "Edit activity" not in commander_page
        clerk_page = html(client_for(clerk).get(detail_url(activity)))
        assert "/decide/" not in clerk_page
        assert "transition/return/" in clerk_page  # return asks for a reason on its own step
        assert "Edit activity" in clerk_page


# ---------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------


def _rows(prefix: str, rows: list[dict[str, str]], total: int, initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index in range(total):
        row = rows[index] if index < len(rows) else {}
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def activity_form_data(
    agency: Agency,
    *,
    locations: list[dict[str, str]] | None = None,
    participants: list[dict[str, str]] | None = None,
    **fields: str,
) -> dict[str, str]:
    category = Category.objects.filter(slug="human-trafficking").first() or CategoryFactory.create(
        name="Human trafficking", slug="human-trafficking"
    )
    if participants is None:
        people = [
            Employee.objects.filter(agency=agency, serial_number=f"2000{n}").first()
            or EmployeeFactory.create(agency=agency, serial_number=f"2000{n}")
            for n in range(3)
        ]
        participants = [{"serial_number": p.serial_number, "role": "attendee"} for p in people]
    data = {
        "title": "Human Trafficking Investigations Course",
        "direction": "outbound",
        "kind": "course",
        "category": str(category.pk),
        "topics": "victim interviews, financial tracing",
        "purpose": "Learn how Canadian teams trace trafficking networks.",
        "justification": "",
        "host_organisation": "",
        "organiser_organisation": "",
        "start_date": "2024-05-01",
        "end_date": "2024-05-05",
    }
    data.update(fields)
    locations = (
        locations
        if locations is not None
        else [{"country": "CA", "city": "Toronto"}, {"country": "CA", "city": "Ottawa"}]
    )
    data.update(_rows("locations", locations, max(3, len(locations))))
    data.update(_rows("participants", participants, max(5, len(participants))))
    return data


def assert_nothing_saved() -> None:
    assert Activity.objects.count() == 0
    assert Location.objects.count() == 0
    assert Participation.objects.count() == 0


class TestActivityCreate:
    def test_the_form_labels_every_row_by_its_number(self, clerk: User) -> None:
        page = html(client_for(clerk).get(CREATE_URL))
        for label in (
            'Country<span class="usa-sr-only"> (location 3)</span>',
            'City<span class="usa-sr-only"> (location 1)</span>',
            'Employee: name or serial number<span class="usa-sr-only"> (participant 5)</span>',
            'Role<span class="usa-sr-only"> (participant 1)</span>',
        ):
            assert label in page, label
        for field in (
            "Title",
            "Purpose",
            "Start date",
            "End date",
            "Category",
            "Direction",
            "Kind",
            "Topics",
        ):
            assert f">{field}</label>" in page, field
        assert "Save activity" in page
        # One agency: nothing to choose.
        assert 'name="agency"' not in page

    def test_it_saves_an_activity_with_two_locations_and_three_participants(
        self, clerk: User, agency: Agency
    ) -> None:
        # Blank rows in between are ignored.
        data = activity_form_data(
            agency,
            locations=[
                {"country": "CA", "city": "Toronto"},
                {},
                {"country": "US", "city": "Buffalo"},
            ],
        )
        response = client_for(clerk).post(CREATE_URL, data)
        activity = Activity.objects.get()
        assert response.status_code == 302
        assert response["Location"] == detail_url(activity)
        assert [(str(loc.country), loc.city) for loc in activity.locations.all()] == [
            ("CA", "Toronto"),
            ("US", "Buffalo"),
        ]
        assert sorted(
            p.employee.serial_number for p in activity.participations.all() if p.employee
        ) == ["20000", "20001", "20002"]
        assert sorted(t.name for t in activity.topics.all()) == [
            "financial tracing",
            "victim interviews",
        ]
        assert activity.agency == agency
        assert activity.status == Status.DRAFT
        follow = html(client_for(clerk).get(response["Location"]))
        assert "Human Trafficking Investigations Course" in follow

    def test_it_shows_a_success_message_after_saving(self, clerk: User, agency: Agency) -> None:
        response = client_for(clerk).post(CREATE_URL, activity_form_data(agency), follow=True)
        assert "saved as a draft" in html(response)

    @pytest.mark.parametrize(
        ("overrides", "field_id", "message"),
        [
            (
                {"start_date": "2024-05-05", "end_date": "2024-05-01"},
                "id_end_date",
                "The end date is before the start date.",
            ),
            ({"title": ""}, "id_title", "Enter a title."),
            ({"start_date": ""}, "id_start_date", "Enter the start date."),
            ({"start_date": "2024-13-45"}, "id_start_date", "Enter a real date."),
            ({"direction": "sideways"}, "id_direction", "is not a valid choice"),
        ],
    )
    def test_it_rejects_bad_fields_with_a_message_next_to_each(
        self, clerk: User, agency: Agency, overrides: dict[str, str], field_id: str, message: str
    ) -> None:
        data = activity_form_data(agency)
        data.update(overrides)
        response = client_for(clerk).post(CREATE_URL, data)
        assert response.status_code == 422
        page = html(response)
        assert f'id="{field_id}_error"' in page
        assert message in page
        assert f'href="#{field_id}"' in page  # the error summary links to the field
        assert 'aria-describedby="' in page
        assert_nothing_saved()

    def test_it_rejects_an_unknown_country_on_the_row_that_has_it(
        self, clerk: User, agency: Agency
    ) -> None:
        # The service counts filled rows only: its locations[1] is the form's third row.
        data = activity_form_data(
            agency,
            locations=[
                {"country": "CA", "city": "Toronto"},
                {},
                {"country": "XX", "city": "Nowhere"},
            ],
        )
        response = client_for(clerk).post(CREATE_URL, data)
        page = html(response)
        assert 'id="id_locations-2-country_error"' in page
        assert "“XX” is not an ISO 3166 country code." in page
        assert_nothing_saved()

    def test_it_rejects_an_unknown_serial_number_on_that_row(
        self, clerk: User, agency: Agency
    ) -> None:
        EmployeeFactory.create(agency=agency, serial_number="30001")
        data = activity_form_data(
            agency,
            participants=[
                {"serial_number": "30001", "role": "attendee"},
                {"serial_number": "99999", "role": "attendee"},
            ],
        )
        page = html(client_for(clerk).post(CREATE_URL, data))
        assert 'id="id_participants-1-serial_number_error"' in page
        assert "99999" in page
        assert "Metro Police Department" in page
        assert_nothing_saved()

    def test_it_does_not_accept_a_serial_number_from_another_agency(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        EmployeeFactory.create(agency=other_agency, serial_number="55555")
        data = activity_form_data(agency, participants=[{"serial_number": "55555"}])
        page = html(client_for(clerk).post(CREATE_URL, data))
        assert 'id="id_participants-0-serial_number_error"' in page
        assert_nothing_saved()

    def test_it_reports_every_problem_at_once(self, clerk: User, agency: Agency) -> None:
        data = activity_form_data(
            agency,
            title="",
            start_date="2024-05-05",
            end_date="2024-05-01",
            locations=[{"country": "XX"}],
            participants=[{"serial_number": "404"}],
        )
        page = html(client_for(clerk).post(CREATE_URL, data))
        assert "The activity was not saved" in page
        for field_id in (
            "id_title",
            "id_end_date",
            "id_locations-0-country",
            "id_participants-0-serial_number",
        ):
            assert f'href="#{field_id}"' in page, field_id
        assert_nothing_saved()

    def test_it_asks_for_a_location(self, clerk: User, agency: Agency) -> None:
        page = html(client_for(clerk).post(CREATE_URL, activity_form_data(agency, locations=[])))
        assert "Give at least one location." in page
        assert_nothing_saved()

    def test_it_accepts_an_external_person_as_participant(
        self, clerk: User, agency: Agency
    ) -> None:
        trainee = ExternalPersonFactory.create(agency=agency, full_name="Omar Haddad")
        data = activity_form_data(
            agency,
            direction="inbound",
            participants=[{"external_person": str(trainee.pk), "role": "trainee"}],
        )
        assert "Omar Haddad" in html(client_for(clerk).get(CREATE_URL))
        response = client_for(clerk).post(CREATE_URL, data)
        assert response.status_code == 302
        participation = Participation.objects.get()
        assert participation.external_person == trainee
        assert participation.role == "trainee"

    def test_a_user_of_several_agencies_chooses_the_agency(
        self, agency: Agency, other_agency: Agency
    ) -> None:
        user = user_with_role("coordinator", agency, "two_hats")
        RoleGrant.objects.create(user=user, role="coordinator", agency=other_agency)
        client = client_for(user)
        assert 'name="agency"' in html(client.get(CREATE_URL))
        response = client.post(CREATE_URL, activity_form_data(agency))
        assert AGENCY_REQUIRED in html(response)
        assert_nothing_saved()
        data = activity_form_data(agency, participants=[])
        data["agency"] = str(other_agency.pk)
        response = client.post(CREATE_URL, data)
        assert response.status_code == 302
        assert Activity.objects.get().agency == other_agency

    def test_an_approver_may_not_create_activities(self, commander: User) -> None:
        assert client_for(commander).get(CREATE_URL).status_code == 403

    def test_an_employee_may_ask_to_attend(
        self, employee_user: User, employee_record: Employee, agency: Agency
    ) -> None:
        data = activity_form_data(agency, participants=[{"serial_number": "41234"}])
        response = client_for(employee_user).post(CREATE_URL, data)
        assert response.status_code == 302
        assert Activity.objects.get().created_by == employee_user


class TestActivityEdit:
    def _create(self, clerk: User, agency: Agency) -> Activity:
        response = client_for(clerk).post(CREATE_URL, activity_form_data(agency))
        assert response.status_code == 302
        return Activity.objects.get()

    def test_it_shows_the_current_values(self, clerk: User, agency: Agency) -> None:
        activity = self._create(clerk, agency)
        page = html(client_for(clerk).get(reverse("activities:edit", args=[activity.pk])))
        assert 'value="Human Trafficking Investigations Course"' in page
        assert 'value="2024-05-01"' in page
        assert 'value="Ottawa"' in page
        # An employee already on the activity reads as "Name (serial)".
        person = Employee.objects.get(serial_number="20002")
        assert f'value="{person.first_name} {person.last_name} (20002)"' in page
        assert "financial tracing" in page

    def test_it_updates_fields_and_rows(self, clerk: User, agency: Agency) -> None:
        activity = self._create(clerk, agency)
        data = activity_form_data(
            agency,
            title="Human Trafficking Course (revised)",
            locations=[{"country": "CA", "city": "Montreal"}],
            participants=[{"serial_number": "20000", "role": "instructor"}],
        )
        data["locations-INITIAL_FORMS"] = "2"
        data["participants-INITIAL_FORMS"] = "3"
        response = client_for(clerk).post(reverse("activities:edit", args=[activity.pk]), data)
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.title == "Human Trafficking Course (revised)"
        assert [loc.city for loc in activity.locations.all()] == ["Montreal"]
        assert [
            (p.employee.serial_number, p.role) for p in activity.participations.all() if p.employee
        ] == [("20000", "instructor")]

    def test_bad_input_changes_nothing(self, clerk: User, agency: Agency) -> None:
        activity = self._create(clerk, agency)
        data = activity_form_data(agency, title="Renamed", end_date="2020-01-01")
        response = client_for(clerk).post(reverse("activities:edit", args=[activity.pk]), data)
        assert response.status_code == 422
        activity.refresh_from_db()
        assert activity.title == "Human Trafficking Investigations Course"
        assert activity.locations.count() == 2

    def test_an_employee_editing_their_request_keeps_a_trainee_a_coordinator_added(
        self, employee_user: User, employee_record: Employee, clerk: User, agency: Agency
    ) -> None:
        trainee = ExternalPersonFactory.create(agency=agency, full_name="Omar Haddad")
        officer = client_for(employee_user)
        officer.post(
            CREATE_URL, activity_form_data(agency, participants=[{"serial_number": "41234"}])
        )
        activity = Activity.objects.get()
        url = reverse("activities:edit", args=[activity.pk])
        data = activity_form_data(
            agency,
            participants=[
                {"serial_number": "41234"},
                {"external_person": str(trainee.pk), "role": "trainee"},
            ],
        )
        data["locations-INITIAL_FORMS"] = "2"
        data["participants-INITIAL_FORMS"] = "1"
        assert client_for(clerk).post(url, data).status_code == 302
        # Employees may not browse external persons, but this one is already on the record.
        page = html(officer.get(url))
        assert f'<option value="{trainee.pk}" selected>Omar Haddad</option>' in page

    def test_an_approver_may_not_edit(self, clerk: User, commander: User, agency: Agency) -> None:
        activity = self._create(clerk, agency)
        url = reverse("activities:edit", args=[activity.pk])
        assert client_for(commander).get(url).status_code == 403

    def test_an_outsider_gets_not_found(self, clerk: User, outsider: User, agency: Agency) -> None:
        activity = self._create(clerk, agency)
        url = reverse("activities:edit", args=[activity.pk])
        assert client_for(outsider).get(url).status_code == 404


# ---------------------------------------------------------------------------------------
# Status moves
# ---------------------------------------------------------------------------------------


def transition_url(activity: Activity) -> str:
    return reverse("activities:transition", args=[activity.pk])


class TestActivityTransition:
    def test_a_coordinator_submits_a_draft(self, clerk: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        response = client_for(clerk).post(transition_url(activity), {"name": "submit"}, follow=True)
        activity.refresh_from_db()
        assert activity.status == Status.SUBMITTED
        assert "the activity is now submitted for approval" in html(response)

    def test_a_move_the_workflow_refuses_is_a_message_not_an_error_page(
        self, commander: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        client = client_for(commander)
        response = client.post(transition_url(activity), {"name": "approve"})
        assert response.status_code == 302
        assert response["Location"] == detail_url(activity)
        page = html(client.get(detail_url(activity)))
        assert "Cannot approve an activity that is draft" in page
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT

    def test_a_move_the_role_does_not_allow_is_forbidden(
        self, employee_user: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.SUBMITTED, created_by=employee_user)
        response = client_for(employee_user).post(
            transition_url(activity), {"name": "start_review"}
        )
        assert response.status_code == 403
        activity.refresh_from_db()
        assert activity.status == Status.SUBMITTED

    def test_an_outsider_gets_not_found(self, outsider: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        assert (
            client_for(outsider).post(transition_url(activity), {"name": "submit"}).status_code
            == 404
        )

    def test_it_accepts_only_post(self, clerk: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        assert client_for(clerk).get(transition_url(activity)).status_code == 405

    def test_a_reason_too_long_for_the_history_is_refused(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        response = client_for(clerk).post(
            transition_url(activity), {"name": "submit", "reason": "x" * 101}, follow=True
        )
        assert "Keep the reason to 100 characters or fewer" in html(response)
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT


def test_the_list_rows_escape_what_users_typed_and_say_what_is_missing(
    clerk: User, agency: Agency
) -> None:
    # The rows are built in Python (activities/templatetags/activity_rows.py) for speed;
    # they must escape exactly as the template did, and keep its wording.
    one_day = ActivityFactory.create(
        agency=agency,
        title="<script>alert(1)</script> & Co",
        start_date=dt.date(2019, 4, 1),
        end_date=dt.date(2019, 4, 1),
    )
    LocationFactory.create(activity=one_day, country="FR", city="<b>Lyon</b>")
    ActivityFactory.create(
        agency=agency,
        title="Nowhere Seminar",
        start_date=dt.date(2018, 1, 2),
        end_date=dt.date(2018, 1, 5),
    )
    page = client_for(clerk).get("/activities/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "&lt;b&gt;Lyon&lt;/b&gt;, France" in page
    assert f'href="/activities/{one_day.pk}/"' in page
    assert '<time class="text-no-wrap" datetime="2019-04-01">1 Apr 2019</time></td>' in page
    assert "2 Jan 2018</time> to <time" in page
    assert "None recorded" in page
