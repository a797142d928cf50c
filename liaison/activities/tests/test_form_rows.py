"""The activity form fits a real delegation: rows are added and removed without saving
(with and without JavaScript), participants are found by name among the people the user
may name, and cancel / deny ask for confirmation and a reason on their own page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Participation
from liaison.activities.selectors import employee_choices_for
from liaison.activities.tests.factories import ParticipationFactory
from liaison.activities.tests.test_pages import (
    CREATE_URL,
    activity_form_data,
    assert_nothing_saved,
    html,
    make_activity,
)
from liaison.activities.workflow import Status
from liaison.approvals.tests.helpers import make_upcoming, through_security
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory

LOOKUP_URL = reverse("activities:participant_lookup")


def tag_with_id(page: str, element_id: str) -> str:
    match = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', page)
    assert match, element_id
    return match.group(0)


def confirm_url(activity: Activity, name: str) -> str:
    return reverse("activities:transition_confirm", args=[activity.pk, name])


# ---------------------------------------------------------------------------------------
# Adding and removing rows
# ---------------------------------------------------------------------------------------


class TestRowsWithoutJavaScript:
    def test_add_a_location_shows_one_more_row_and_saves_nothing(
        self, clerk: User, agency: Agency
    ) -> None:
        data = activity_form_data(agency)
        assert data["locations-TOTAL_FORMS"] == "3"
        response = client_for(clerk).post(CREATE_URL, {**data, "add_row": "locations"})
        assert response.status_code == 200
        page = html(response)
        assert 'name="locations-TOTAL_FORMS" value="4"' in page
        assert 'id="id_locations-3-country"' in page
        # The new row takes the focus; what was typed is still there.
        assert "autofocus" in tag_with_id(page, "id_locations-3-country")
        assert "autofocus" not in tag_with_id(page, "id_locations-0-country")
        assert 'value="Ottawa"' in page
        assert "was not saved" not in page
        assert_nothing_saved()

    def test_add_a_participant_keeps_every_typed_value(self, clerk: User, agency: Agency) -> None:
        data = activity_form_data(agency)
        response = client_for(clerk).post(CREATE_URL, {**data, "add_row": "participants"})
        page = html(response)
        assert 'name="participants-TOTAL_FORMS" value="6"' in page
        for serial in ("20000", "20001", "20002"):
            assert f'value="{serial}"' in page
        assert_nothing_saved()

    def test_remove_moves_the_later_rows_up(self, clerk: User, agency: Agency) -> None:
        data = activity_form_data(
            agency,
            locations=[
                {"country": "CA", "city": "Toronto"},
                {"country": "FR", "city": "Lyon"},
                {"country": "IT", "city": "Rome"},
            ],
        )
        response = client_for(clerk).post(CREATE_URL, {**data, "remove_row": "locations-1"})
        page = html(response)
        assert 'name="locations-TOTAL_FORMS" value="2"' in page
        assert "Lyon" not in page
        assert 'name="locations-1-city" value="Rome"' in page
        assert_nothing_saved()
        # Saving the re-rendered rows saves exactly what is left.
        data = {k: v for k, v in data.items() if not k.startswith("locations-")}
        data.update(
            {
                "locations-TOTAL_FORMS": "2",
                "locations-INITIAL_FORMS": "0",
                "locations-0-country": "CA",
                "locations-0-city": "Toronto",
                "locations-1-country": "IT",
                "locations-1-city": "Rome",
            }
        )
        assert client_for(clerk).post(CREATE_URL, data).status_code == 302
        cities = list(Activity.objects.get().locations.values_list("city", flat=True))
        assert sorted(cities) == ["Rome", "Toronto"]

    def test_a_nonsense_row_request_is_ignored_and_changes_nothing(
        self, clerk: User, agency: Agency
    ) -> None:
        data = activity_form_data(agency)
        for bad in ({"remove_row": "locations-x"}, {"remove_row": "titles-1"}):
            response = client_for(clerk).post(CREATE_URL, {**data, **bad})
            # Not a row edit: the form is saved as usual.
            assert response.status_code == 302
        assert Activity.objects.count() == 2

    def test_editing_adds_a_row_without_touching_the_record(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT, title="Original title")
        url = reverse("activities:edit", args=[activity.pk])
        data = activity_form_data(agency, title="Changed title")
        response = client_for(clerk).post(url, {**data, "add_row": "participants"})
        assert response.status_code == 200
        activity.refresh_from_db()
        assert activity.title == "Original title"
        assert activity.participations.count() == 0

    def test_the_form_has_add_and_remove_buttons_and_a_save_button_first(self, clerk: User) -> None:
        page = html(client_for(clerk).get(CREATE_URL))
        assert 'name="add_row" value="locations"' in page
        assert 'name="add_row" value="participants"' in page
        assert 'name="remove_row" value="participants-0"' in page
        # Enter in a text box must save, not add a row: the first button is "Save".
        first_button = page.index("<button", page.index('id="activity-form"'))
        assert "Save activity" in page[first_button : first_button + 80]
        # Leaving the form is never called "Cancel" (that is a transition).
        assert ">Discard changes</a>" in page
        assert ">Cancel</a>" not in page


class TestRowsWithHtmx:
    def test_an_htmx_request_gets_only_the_rows(self, clerk: User, agency: Agency) -> None:
        data = activity_form_data(agency)
        response = client_for(clerk).post(
            CREATE_URL, {**data, "add_row": "locations"}, headers={"HX-Request": "true"}
        )
        page = html(response)
        assert response.status_code == 200
        assert 'id="locations-rows"' in page
        assert 'name="locations-TOTAL_FORMS" value="4"' in page
        assert "<html" not in page
        assert "HX-Request" in response["Vary"]
        assert_nothing_saved()


# ---------------------------------------------------------------------------------------
# Finding participants
# ---------------------------------------------------------------------------------------


def _people(agency: Agency, other_agency: Agency) -> dict[str, Employee]:
    return {
        "ada": EmployeeFactory.create(
            agency=agency, first_name="Ada", last_name="Lindqvist", serial_number="10001"
        ),
        "adam": EmployeeFactory.create(
            agency=agency, first_name="Adam", last_name="Lindberg", serial_number="10002"
        ),
        "bo": EmployeeFactory.create(
            agency=agency, first_name="Bo", last_name="Marchetti", serial_number="10003"
        ),
        "stranger": EmployeeFactory.create(
            agency=other_agency, first_name="Ada", last_name="Lindqvist", serial_number="90001"
        ),
    }


class TestParticipantLookup:
    def test_it_offers_matching_people_of_the_users_agency_only(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        _people(agency, other_agency)
        page = html(client_for(clerk).get(LOOKUP_URL, {"q": "lind"}))
        assert 'data-value="Ada Lindqvist (10001)"' in page
        assert 'data-value="Adam Lindberg (10002)"' in page
        assert "90001" not in page
        assert "Marchetti" not in page
        page = html(client_for(clerk).get(LOOKUP_URL, {"q": "10003"}))
        assert 'data-value="Bo Marchetti (10003)"' in page

    def test_an_employee_is_offered_themselves_and_nobody_else(
        self,
        employee_user: User,
        employee_record: Employee,
        agency: Agency,
        other_agency: Agency,
    ) -> None:
        _people(agency, other_agency)
        client = client_for(employee_user)
        assert "Reyes" in html(client.get(LOOKUP_URL, {"q": "dana"}))
        page = html(client.get(LOOKUP_URL, {"q": "lind"}))
        assert "Lindqvist" not in page and "Lindberg" not in page
        assert "No one you may add matches" in page

    def test_when_editing_people_already_on_the_activity_are_offered_too(
        self,
        employee_user: User,
        employee_record: Employee,
        agency: Agency,
        other_agency: Agency,
    ) -> None:
        people = _people(agency, other_agency)
        activity = make_activity(agency, status=Status.DRAFT, created_by=employee_user)
        ParticipationFactory.create(activity=activity, employee=people["bo"])
        candidates = employee_choices_for(user=employee_user, agency_ids=None, activity=activity)
        assert set(candidates) == {employee_record, people["bo"]}
        client = client_for(employee_user)
        page = html(client.get(LOOKUP_URL, {"q": "marchetti", "activity": str(activity.pk)}))
        assert 'data-value="Bo Marchetti (10003)"' in page
        assert "Marchetti" not in html(client.get(LOOKUP_URL, {"q": "marchetti"}))

    def test_another_agencys_activity_is_not_found(
        self, outsider: User, agency: Agency, clerk: User
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        client = client_for(outsider)
        assert client.get(LOOKUP_URL, {"q": "a", "activity": str(activity.pk)}).status_code == 404
        assert client.get(LOOKUP_URL, {"q": "a", "activity": "9" * 30}).status_code == 404

    def test_a_user_who_may_not_create_activities_is_refused(
        self, commander: User, agency: Agency
    ) -> None:
        assert client_for(commander).get(LOOKUP_URL, {"q": "ada"}).status_code == 403

    def test_anonymous_callers_are_sent_to_sign_in(self, db: None) -> None:
        response = Client().get(LOOKUP_URL, {"q": "ada"})
        assert response.status_code == 302


class TestTheLookupHasTwoDoorsWithOneAnswer:
    API_URL = "/api/v1/activities/participant-candidates"

    def _page_labels(self, client: Client, params: dict[str, str]) -> list[str]:
        return re.findall(r'data-value="([^"]+)"', html(client.get(LOOKUP_URL, params)))

    def test_the_api_offers_exactly_what_the_page_offers(
        self,
        clerk: User,
        employee_user: User,
        employee_record: Employee,
        agency: Agency,
        other_agency: Agency,
    ) -> None:
        people = _people(agency, other_agency)
        activity = make_activity(agency, status=Status.DRAFT, created_by=employee_user)
        ParticipationFactory.create(activity=activity, employee=people["bo"])
        cases = [
            (clerk, {"q": "lind"}),
            (clerk, {"q": "10003"}),
            (employee_user, {"q": "a"}),
            (employee_user, {"q": "marchetti", "activity": str(activity.pk)}),
        ]
        for user, params in cases:
            client = client_for(user)
            response = client.get(self.API_URL, params)
            assert response.status_code == 200, response.content
            api_labels = [item["label"] for item in response.json()["items"]]
            assert api_labels == self._page_labels(client, params), (user, params)
            assert api_labels, (user, params)  # each case offers someone

    def test_both_doors_refuse_alike(self, commander: User, outsider: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        for user, params, status in (
            (commander, {"q": "ada"}, 403),
            (outsider, {"q": "ada", "activity": str(activity.pk)}, 404),
        ):
            client = client_for(user)
            assert client.get(LOOKUP_URL, params).status_code == status
            assert client.get(self.API_URL, params).status_code == status

    def test_a_huge_activity_id_is_a_422_in_the_api(self, clerk: User) -> None:
        response = client_for(clerk).get(self.API_URL, {"q": "a", "activity": "9" * 30})
        assert response.status_code == 422
        assert "activity" in response.json()["errors"]


class TestParticipantsByName:
    def test_a_name_that_matches_one_person_saves_that_person(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        people = _people(agency, other_agency)
        data = activity_form_data(
            agency,
            participants=[
                {"serial_number": "Marchetti", "role": "attendee"},
                {"serial_number": "Ada Lindqvist (10001)", "role": "delegation_lead"},
            ],
        )
        assert client_for(clerk).post(CREATE_URL, data).status_code == 302
        saved = {(p.employee, p.role) for p in Participation.objects.all()}
        assert saved == {(people["bo"], "attendee"), (people["ada"], "delegation_lead")}

    def test_an_ambiguous_name_is_an_error_on_its_row(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        _people(agency, other_agency)
        data = activity_form_data(agency, participants=[{"serial_number": "lind"}])
        response = client_for(clerk).post(CREATE_URL, data)
        assert response.status_code == 422
        page = html(response)
        assert 'id="id_participants-0-serial_number_error"' in page
        assert "More than one person matches “lind”" in page
        assert "<title>Error: " in page
        assert_nothing_saved()

    def test_a_name_of_someone_the_user_may_not_name_matches_nobody(
        self, employee_user: User, employee_record: Employee, agency: Agency, other_agency: Agency
    ) -> None:
        _people(agency, other_agency)
        data = activity_form_data(agency, participants=[{"serial_number": "Marchetti"}])
        response = client_for(employee_user).post(CREATE_URL, data)
        assert response.status_code == 422
        assert "No one you may add matches “Marchetti”" in html(response)
        assert_nothing_saved()


# ---------------------------------------------------------------------------------------
# Cancel and deny ask first
# ---------------------------------------------------------------------------------------


class TestConfirmationStep:
    def test_cancel_asks_for_confirmation_and_a_reason(self, clerk: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        client = client_for(clerk)
        detail = html(client.get(reverse("activities:detail", args=[activity.pk])))
        assert f'href="{confirm_url(activity, "cancel")}"' in detail
        assert 'value="cancel"' not in detail
        page = html(client.get(confirm_url(activity, "cancel")))
        assert "Yes, cancel this activity" in page
        assert 'name="reason"' in page
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT  # looking changes nothing

        response = client.post(confirm_url(activity, "cancel"), {"reason": "Trip called off"})
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.status == Status.CANCELLED
        assert activity.history.latest().history_change_reason == "Trip called off"

    def test_deny_is_confirmed_by_the_approver(
        self, commander: User, security_officer: User, agency: Agency
    ) -> None:
        activity = make_upcoming(make_activity(agency, status=Status.SUBMITTED))
        through_security(activity, security=security_officer)
        client = client_for(commander)
        assert "Yes, deny this request" in html(client.get(confirm_url(activity, "deny")))
        client.post(confirm_url(activity, "deny"), {"reason": "No budget"})
        activity.refresh_from_db()
        assert activity.status == Status.DENIED

    def test_a_user_without_the_role_cannot_cancel_through_the_step(
        self, commander: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        client = client_for(commander)
        response = client.get(confirm_url(activity, "cancel"))
        assert response.status_code == 302  # back to the activity, with a message
        assert client.post(confirm_url(activity, "cancel")).status_code == 403
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT

    def test_another_agency_sees_nothing(self, outsider: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        assert client_for(outsider).post(confirm_url(activity, "cancel")).status_code == 404
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT

    def test_only_cancel_and_deny_have_a_step(self, clerk: User, agency: Agency) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        assert client_for(clerk).get(confirm_url(activity, "submit")).status_code == 404

    def test_a_too_long_reason_is_an_error_and_changes_nothing(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = make_activity(agency, status=Status.DRAFT)
        response = client_for(clerk).post(confirm_url(activity, "cancel"), {"reason": "x" * 101})
        assert response.status_code == 422
        page = html(response)
        assert "<title>Error: " in page
        assert 'id="error-summary" tabindex="-1"' in page
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT


# ---------------------------------------------------------------------------------------
# Dates, times and the record number
# ---------------------------------------------------------------------------------------


class TestDatesAndNumbers:
    def test_the_detail_page_shows_the_record_number_and_one_date_format(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = make_activity(
            agency, start_date=dt.date(2014, 1, 13), end_date=dt.date(2014, 1, 17)
        )
        page = html(client_for(clerk).get(reverse("activities:detail", args=[activity.pk])))
        assert f"A-{activity.pk:06d}" in page
        assert ">13 Jan 2014</time> to <time" in page

    def test_times_carry_their_zone(self, settings: Any) -> None:
        from liaison.core.templatetags.liaison import day, moment, record_number

        settings.TIME_ZONE = "America/Los_Angeles"
        when = dt.datetime(2014, 1, 13, 22, 5, tzinfo=dt.UTC)
        assert moment(when) == "13 Jan 2014, 14:05 PST"
        assert day(dt.date(2014, 1, 13)) == "13 Jan 2014"
        assert record_number(123) == "A-000123"
        assert record_number(None) == ""

    def test_the_token_page_shows_times_with_their_zone(
        self, commander: User, settings: Any
    ) -> None:
        from liaison.accounts.services import api_token_create

        settings.TIME_ZONE = "America/Los_Angeles"
        api_token_create(actor=commander, user=commander, name="script")
        page = html(client_for(commander).get(reverse("accounts:tokens")))
        assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} P[SD]T", page)

    def test_an_invalid_submit_puts_error_first_in_the_title(
        self, clerk: User, agency: Agency
    ) -> None:
        response = client_for(clerk).post(CREATE_URL, activity_form_data(agency, title=""))
        page = html(response)
        assert response.status_code == 422
        assert "<title>Error: New activity" in page
        assert 'id="error-summary" tabindex="-1"' in page
        assert "/static/liaison/forms.js" in page
        assert "<script>" not in page  # no inline scripts (a CSP is coming)


def test_every_move_that_needs_a_reason_has_a_confirmation_step() -> None:
    from liaison.activities.views import CONFIRMED_TRANSITIONS
    from liaison.activities.workflow import TRANSITIONS

    assert {t.name for t in TRANSITIONS if t.needs_reason} == set(CONFIRMED_TRANSITIONS)
