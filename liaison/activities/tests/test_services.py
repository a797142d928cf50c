"""Domain rules for activities, exercised through the services (the one door for writes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.models import Activity, Location, Participation, Topic
from liaison.activities.selectors import activity_history
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_transition,
    activity_update,
    category_create,
)
from liaison.activities.tests.factories import ActivityFactory, CategoryFactory
from liaison.activities.workflow import TRANSITIONS, Status
from liaison.approvals.tests.helpers import future, through_security
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory, ExternalPersonFactory
from liaison.security.tests.factories import done_assessment


def valid_input(agency: Agency, **overrides: object) -> ActivityInput:
    category = CategoryFactory.create(name="Human trafficking", slug="human-trafficking")
    people = [EmployeeFactory.create(agency=agency) for _ in range(3)]
    values: dict[str, object] = dict(
        title="Human Trafficking Investigations Course",
        direction="outbound",
        kind="course",
        category_id=category.pk,
        purpose="Learn how Canadian teams trace trafficking networks.",
        start_date=dt.date(2023, 5, 1),
        end_date=dt.date(2023, 5, 5),
        topics=["victim interviews", "financial tracing"],
        locations=[LocationInput("CA", "Toronto"), LocationInput("CA", "Ottawa")],
        participants=[ParticipantInput(employee_id=p.pk) for p in people],
    )
    values.update(overrides)
    return ActivityInput(**values)  # type: ignore[arg-type]


def assert_nothing_saved() -> None:
    assert Activity.objects.count() == 0
    assert Location.objects.count() == 0
    assert Participation.objects.count() == 0


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


class TestActivityCreate:
    def test_it_saves_an_activity_with_its_locations_participants_and_topics(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
        assert activity.status == Status.DRAFT
        assert [str(loc.country) for loc in activity.locations.all()] == ["CA", "CA"]
        assert activity.participations.count() == 3
        assert sorted(t.name for t in activity.topics.all()) == [
            "financial tracing",
            "victim interviews",
        ]
        assert activity.created_by == clerk

    def test_it_records_who_created_the_activity_in_the_history(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
        # The first row is the creation; topics are attached (and recorded) just after.
        records = list(activity.history.order_by("history_date", "history_id"))
        assert records[0].history_type == "+"
        assert {r.history_user for r in records} == {clerk}

    def test_it_rejects_end_before_start(self, clerk: User, agency: Agency) -> None:
        data = valid_input(agency, start_date=dt.date(2023, 5, 5), end_date=dt.date(2023, 5, 1))
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert errors_of(exc)["end_date"] == ["The end date is before the start date."]
        assert_nothing_saved()

    def test_it_rejects_an_unknown_country_naming_the_row(
        self, clerk: User, agency: Agency
    ) -> None:
        data = valid_input(
            agency, locations=[LocationInput("CA", "Toronto"), LocationInput("XX", "Atlantis")]
        )
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert errors_of(exc)["locations[1].country"] == ["“XX” is not an ISO 3166 country code."]
        assert_nothing_saved()

    def test_a_country_that_is_not_even_a_code_is_a_row_error_not_a_crash(
        self, clerk: User, agency: Agency
    ) -> None:
        # django-countries reads a digit-like text such as "²" as a numeric code and fails.
        data = valid_input(agency, locations=[LocationInput("²", "Atlantis")])
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert errors_of(exc)["locations[0].country"] == ["“²” is not an ISO 3166 country code."]
        assert_nothing_saved()

    def test_it_requires_at_least_one_location(self, clerk: User, agency: Agency) -> None:
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=valid_input(agency, locations=[]))
        assert "locations" in errors_of(exc)
        assert_nothing_saved()

    def test_it_names_every_missing_field(self, clerk: User, agency: Agency) -> None:
        data = valid_input(
            agency,
            title="  ",
            purpose="",
            category_id=None,
            direction="",
            kind="",
            start_date=None,
            end_date=None,
        )
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert {
            "title",
            "purpose",
            "category",
            "direction",
            "kind",
            "start_date",
            "end_date",
        } <= set(errors_of(exc))
        assert_nothing_saved()

    def test_it_rejects_an_employee_of_another_agency(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        stranger = EmployeeFactory.create(agency=other_agency)
        data = valid_input(agency, participants=[ParticipantInput(employee_id=stranger.pk)])
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert errors_of(exc)["participants[0].employee"] == ["No such employee in this agency."]
        assert_nothing_saved()

    def test_it_rejects_the_same_person_listed_twice(self, clerk: User, agency: Agency) -> None:
        person = EmployeeFactory.create(agency=agency)
        data = valid_input(
            agency,
            participants=[
                ParticipantInput(employee_id=person.pk),
                ParticipantInput(employee_id=person.pk, role="instructor"),
            ],
        )
        with pytest.raises(ValidationError) as exc:
            activity_create(actor=clerk, agency=agency, data=data)
        assert errors_of(exc)["participants[1]"] == ["This person is listed twice."]
        assert_nothing_saved()

    def test_it_accepts_external_trainees_for_an_inbound_course(
        self, clerk: User, agency: Agency
    ) -> None:
        trainees = [ExternalPersonFactory.create(agency=agency) for _ in range(5)]
        data = valid_input(
            agency,
            direction="inbound",
            participants=[
                ParticipantInput(external_person_id=t.pk, role="trainee") for t in trainees
            ],
        )
        activity = activity_create(actor=clerk, agency=agency, data=data)
        assert activity.participations.filter(role="trainee").count() == 5

    def test_it_refuses_a_user_without_a_creating_role(
        self, commander: User, agency: Agency
    ) -> None:
        with pytest.raises(Forbidden):
            activity_create(actor=commander, agency=agency, data=valid_input(agency))
        assert_nothing_saved()

    def test_it_refuses_a_coordinator_of_another_agency(
        self, outsider: User, agency: Agency
    ) -> None:
        with pytest.raises(Forbidden):
            activity_create(actor=outsider, agency=agency, data=valid_input(agency))
        assert_nothing_saved()

    def test_it_merges_topics_case_insensitively(self, clerk: User, agency: Agency) -> None:
        Topic.objects.create(name="Victim Interviews")
        activity = activity_create(
            actor=clerk,
            agency=agency,
            data=valid_input(agency, topics=["victim interviews", "VICTIM INTERVIEWS", " "]),
        )
        assert [t.name for t in activity.topics.all()] == ["Victim Interviews"]
        assert Topic.objects.count() == 1


class TestActivityUpdate:
    def test_it_replaces_locations_and_keeps_surviving_participations(
        self, clerk: User, agency: Agency
    ) -> None:
        data = valid_input(agency)
        activity = activity_create(actor=clerk, agency=agency, data=data)
        kept = activity.participations.order_by("id").first()
        assert kept is not None
        data.locations = [LocationInput("FR", "Paris")]
        data.participants = [ParticipantInput(employee_id=kept.employee_id, role="presenter")]
        activity_update(actor=clerk, activity=activity, data=data)
        assert [loc.city for loc in activity.locations.all()] == ["Paris"]
        assert list(activity.participations.values_list("id", "role")) == [(kept.pk, "presenter")]

    def test_a_participant_who_moved_to_another_agency_stays_on_the_record(
        self, clerk: User, agency: Agency, other_agency: Agency
    ) -> None:
        # The same person, now employed elsewhere (ADR 0028): an edit of the old trip keeps
        # them, with the agency, rank and unit they had then, and no one new can be added
        # from the other agency.
        data = valid_input(agency)
        activity = activity_create(actor=clerk, agency=agency, data=data)
        moved = activity.participations.order_by("id").first()
        assert moved is not None and moved.employee_id is not None
        Employee.objects.filter(pk=moved.employee_id).update(agency=other_agency)
        data.title = "Human Trafficking Investigations Course (Toronto)"
        activity_update(actor=clerk, activity=activity, data=data)
        activity.refresh_from_db()
        assert activity.title == "Human Trafficking Investigations Course (Toronto)"
        kept = Participation.objects.get(pk=moved.pk)
        assert kept.employee_id == moved.employee_id
        assert kept.agency_at_time == moved.agency_at_time
        stranger = EmployeeFactory.create(agency=other_agency)
        data.participants = [*data.participants, ParticipantInput(employee_id=stranger.pk)]
        with pytest.raises(ValidationError):
            activity_update(actor=clerk, activity=activity, data=data)
        assert not activity.participations.filter(employee=stranger).exists()

    def test_a_failed_update_changes_nothing(self, clerk: User, agency: Agency) -> None:
        data = valid_input(agency)
        activity = activity_create(actor=clerk, agency=agency, data=data)
        data.title = "Renamed"
        data.locations = [LocationInput("ZZ", "Nowhere")]
        with pytest.raises(ValidationError):
            activity_update(actor=clerk, activity=activity, data=data)
        activity.refresh_from_db()
        assert activity.title == "Human Trafficking Investigations Course"
        assert activity.locations.count() == 2


class TestTransitions:
    def test_an_employee_submits_and_a_commander_approves(
        self, employee_user: User, commander: User, security_officer: User, agency: Agency
    ) -> None:
        activity = activity_create(
            actor=employee_user,
            agency=agency,
            data=valid_input(agency, participants=[], start_date=future(), end_date=future(63)),
        )
        activity_transition(actor=employee_user, activity=activity, name="submit")
        for location in activity.locations.all():  # outbound: every place abroad is assessed
            done_assessment(location, commander)
        through_security(activity, security=security_officer)
        activity_transition(actor=commander, activity=activity, name="approve")
        activity.refresh_from_db()
        assert activity.status == Status.APPROVED

    def test_it_refuses_a_move_the_table_does_not_declare(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
        with pytest.raises(InvalidTransition, match="Cannot approve an activity that is draft"):
            activity_transition(actor=clerk, activity=activity, name="approve")
        activity.refresh_from_db()
        assert activity.status == Status.DRAFT

    def test_a_coordinator_may_not_approve(self, clerk: User, agency: Agency) -> None:
        activity = ActivityFactory.create(agency=agency, status=Status.IN_APPROVAL)
        with pytest.raises(Forbidden):
            activity_transition(actor=clerk, activity=activity, name="approve")

    def test_a_closed_activity_has_no_way_out(self, commander: User, agency: Agency) -> None:
        activity = ActivityFactory.create(agency=agency, status=Status.CLOSED)
        for name in {t.name for t in TRANSITIONS}:
            with pytest.raises(InvalidTransition):
                activity_transition(actor=commander, activity=activity, name=name)

    def test_an_empty_reason_stays_empty_and_the_history_names_the_move(
        self, clerk: User, agency: Agency
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
        activity_transition(actor=clerk, activity=activity, name="submit")
        latest = activity.history.order_by("-history_date", "-history_id").first()
        assert latest is not None
        assert not latest.history_change_reason
        assert latest.history_user == clerk
        entry = activity_history(activity=activity)[0]
        assert entry["reason"] == ""
        assert entry["summary"] == "Submit for approval"
        assert {
            "field": "status",
            "label": "Status",
            "old": "Draft",
            "new": "Submitted for approval",
        } in entry["changes"]

    def test_a_given_reason_is_kept_as_written(self, clerk: User, agency: Agency) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
        activity_transition(actor=clerk, activity=activity, name="submit", reason="  Urgent ")
        assert activity_history(activity=activity)[0]["reason"] == "Urgent"


class TestDatabaseConstraints:
    """The database says no even when a caller skips the services."""

    def test_end_before_start_is_refused_by_the_database(self, agency: Agency) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityFactory.create(
                agency=agency, start_date=dt.date(2020, 1, 2), end_date=dt.date(2020, 1, 1)
            )

    def test_a_participation_needs_exactly_one_person(self, agency: Agency) -> None:
        activity = ActivityFactory.create(agency=agency)
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.create(activity=activity, role="attendee")

    def test_an_unknown_status_is_refused_by_the_database(self, agency: Agency) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityFactory.create(agency=agency, status="teleported")


class TestCategories:
    def test_a_coordinator_adds_a_category(self, clerk: User) -> None:
        category = category_create(actor=clerk, name="Crowd control / public order")
        assert category.slug == "crowd-control-public-order"

    def test_it_refuses_a_duplicate_name_in_any_case(self, clerk: User) -> None:
        category_create(actor=clerk, name="Aviation")
        with pytest.raises(ValidationError) as exc:
            category_create(actor=clerk, name="AVIATION")
        assert "already exists" in errors_of(exc)["name"][0]

    def test_an_approver_may_not_add_categories(self, commander: User) -> None:
        with pytest.raises(Forbidden):
            category_create(actor=commander, name="Aviation")


class TestDateProperty(HypothesisTestCase):
    """For any pair of dates, the service saves exactly when end >= start."""

    @settings(max_examples=25, deadline=None)
    @given(
        start=st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)),
        days=st.integers(min_value=-400, max_value=400),
    )
    def test_it_saves_exactly_when_the_end_is_not_before_the_start(
        self, start: dt.date, days: int
    ) -> None:
        agency = AgencyFactory.create(ori_code="CA0000077")
        clerk = user_with_role("coordinator", agency, "prop-clerk")
        end = start + dt.timedelta(days=days)
        data = valid_input(agency, start_date=start, end_date=end, participants=[])
        before = Activity.objects.count()
        if days >= 0:
            activity_create(actor=clerk, agency=agency, data=data)
            assert Activity.objects.count() == before + 1
        else:
            with pytest.raises(ValidationError):
                activity_create(actor=clerk, agency=agency, data=data)
            assert Activity.objects.count() == before


def test_employees_are_not_deleted_while_they_have_participations(
    clerk: User, agency: Agency
) -> None:
    activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
    participation = activity.participations.first()
    assert participation is not None and participation.employee_id is not None
    employee = Employee.objects.get(pk=participation.employee_id)

    with pytest.raises(ProtectedError):
        employee.delete()
