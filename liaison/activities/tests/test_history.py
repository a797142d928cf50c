"""History tells the truth about the past (issue 5, part 1).

A participation keeps the participant as they were when added; history entries describe
each change as it was recorded, in labels rather than codes; an edit touches only what
changed; "Recorded" is when the department recorded the activity.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Category, Location, Participation
from liaison.activities.selectors import activity_history
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_update,
)
from liaison.activities.tests.factories import CategoryFactory
from liaison.core.audit import save_audited
from liaison.people.models import Employee
from liaison.people.services import employee_update
from liaison.people.tests.factories import EmployeeFactory
from liaison.records.tests.guard import guard_suspended

API = "/api/v1"


@pytest.fixture
def category(db: None) -> Category:
    return CategoryFactory.create(name="Counterterrorism", slug="counterterrorism")


@pytest.fixture
def officer(agency: Agency) -> Employee:
    return EmployeeFactory.create(
        agency=agency,
        serial_number="27001",
        first_name="Ana",
        last_name="Quiroga",
        rank="Officer",
        unit="Metro Division",
    )


def trip_input(category: Category, **overrides: Any) -> ActivityInput:
    values: dict[str, Any] = dict(
        title="Command and Control Counter-Terrorism",
        direction="outbound",
        kind="course",
        category_id=category.pk,
        purpose="Learn command and control of counter-terrorism incidents.",
        start_date=dt.date(2016, 5, 8),
        end_date=dt.date(2016, 5, 15),
        topics=["command and control"],
        locations=[LocationInput("IL", "Jerusalem"), LocationInput("IL", "Tel Aviv")],
        participants=[],
    )
    values.update(overrides)
    return ActivityInput(**values)


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.content[:500]
    return html_lib.unescape(response.content.decode())


def history_rows() -> int:
    return (
        Activity.history.count()
        + Location.history.count()
        + Participation.history.count()
        + Category.history.count()
    )


class TestAPromotionDoesNotRewriteThePast:
    """Change a person's rank: the 2016 participation and its history still show the old
    rank, on the pages and in the API; the person's own page shows today's."""

    @pytest.fixture
    def trip(self, clerk: User, agency: Agency, category: Category, officer: Employee) -> Activity:
        activity = activity_create(
            actor=clerk,
            agency=agency,
            data=trip_input(category, participants=[ParticipantInput(employee_id=officer.pk)]),
        )
        employee_update(actor=clerk, employee=officer, rank="Sergeant", unit="Counter-Terrorism")
        return activity

    def test_the_activity_page_shows_the_rank_and_unit_of_the_time(
        self, clerk: User, trip: Activity
    ) -> None:
        page = text_of(client_for(clerk).get(reverse("activities:detail", args=[trip.pk])))
        participants = page[page.index("<h2>Participants</h2>") : page.index('id="history"')]
        assert "Officer Ana Quiroga" in participants
        assert "Metro Division" in participants
        assert "Sergeant" not in participants
        assert "Counter-Terrorism" not in participants

    def test_the_history_page_and_its_entry_show_the_old_rank(
        self, clerk: User, trip: Activity
    ) -> None:
        page = text_of(client_for(clerk).get(reverse("activities:history", args=[trip.pk])))
        assert "Participant: Officer Ana Quiroga (Metro Division; Metro Police Department)" in page
        assert "Sergeant" not in page

    def test_the_api_shows_the_participant_as_recorded_and_the_person_as_today(
        self, clerk: User, trip: Activity
    ) -> None:
        body = client_for(clerk).get(f"{API}/activities/{trip.pk}").json()
        (participant,) = body["participants"]
        assert (participant["name"], participant["rank"], participant["unit"]) == (
            "Ana Quiroga",
            "Officer",
            "Metro Division",
        )
        assert participant["agency"] == "Metro Police Department"
        # The nested employee is the person today: the two are told apart, not mixed.
        assert participant["employee"]["rank"] == "Sergeant"

    def test_the_api_history_shows_the_old_rank(self, clerk: User, trip: Activity) -> None:
        items = client_for(clerk).get(f"{API}/activities/{trip.pk}/history").json()["items"]
        (entry,) = [e for e in items if e["object"] == "Participant"]
        assert entry["summary"] == (
            "Officer Ana Quiroga (Metro Division; Metro Police Department) — Attendee"
        )

    def test_the_person_page_shows_today_and_the_table_shows_then(
        self, clerk: User, trip: Activity, officer: Employee
    ) -> None:
        page = text_of(client_for(clerk).get(reverse("people:employee_detail", args=[officer.pk])))
        record = page[page.index("<h2>Record</h2>") : page.index("<h2>Activities</h2>")]
        table = page[page.index("<h2>Activities</h2>") :]
        assert "Sergeant" in record and "Counter-Terrorism" in record
        assert "Officer, Metro Division" in table
        assert "Sergeant" not in table

    def test_a_row_written_before_snapshots_reads_the_person_as_of_its_date(
        self, clerk: User, trip: Activity, officer: Employee
    ) -> None:
        # Rows recorded before the *_at_time fields existed have them empty: the summary
        # then comes from the employee's own history on that date, still not today's.
        # (An UPDATE of history rows: the audit guard is lifted, as for an old database.)
        with guard_suspended("activities_historicalparticipation"):
            Participation.history.update(name_at_time="", rank_at_time="", unit_at_time="")
        (entry,) = [e for e in activity_history(activity=trip) if e["object"] == "Participant"]
        assert entry["summary"].startswith("Officer Ana Quiroga (Metro Division")


class TestLabelsNotCodes:
    def test_topics_show_as_a_list_of_names_and_renames_do_not_reach_back(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(category, topics=["command and control", "hostage negotiation"]),
        )
        topic = activity.topics.get(name="hostage negotiation")
        topic.name = "Crisis negotiation"
        save_audited(topic, actor=clerk)

        (change,) = [
            c for e in activity_history(activity=activity) for c in e["changes"]
        ]  # the one field that changed
        assert change == {
            "field": "topics",
            "label": "Topics",
            "old": "command and control",
            "new": "command and control, hostage negotiation",
        }

    def test_a_category_shows_its_name_on_the_day_of_the_change(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        other = CategoryFactory.create(name="Executive development", slug="executive-development")
        activity_update(actor=clerk, activity=activity, data=trip_input(other))
        other.name = "Leadership"
        save_audited(other, actor=clerk)

        (change,) = [c for e in activity_history(activity=activity) for c in e["changes"]]
        assert (change["label"], change["old"], change["new"]) == (
            "Category",
            "Counterterrorism",
            "Executive development",
        )

    def test_choices_dates_and_locations_read_as_words(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(
                category,
                kind="seminar",
                end_date=dt.date(2016, 5, 16),
                locations=[LocationInput("IL", "Jerusalem"), LocationInput("IL", "Haifa")],
            ),
        )
        entries = activity_history(activity=activity)
        changes = {c["field"]: (c["old"], c["new"]) for e in entries for c in e["changes"]}
        assert changes["kind"] == ("Course", "Seminar")
        assert changes["end_date"] == ("15 May 2016", "16 May 2016")
        assert changes["city"] == ("Tel Aviv", "Haifa")
        assert "updated_at" not in changes

    def test_the_actor_is_named_as_they_were_on_the_day(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        name_then = str(clerk)
        clerk.first_name, clerk.last_name = "Later", "Name"
        save_audited(clerk, actor=clerk, validate=False)
        (entry,) = [e for e in activity_history(activity=activity) if e["object"] == "Activity"]
        assert entry["who"] == name_then != str(clerk)

    def test_the_history_page_shows_labels(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(category, topics=["command and control", "drones"]),
        )
        page = text_of(client_for(clerk).get(reverse("activities:history", args=[activity.pk])))
        assert "<strong>Topics</strong>: command and control" in page
        assert "command and control, drones" in page
        assert "[" not in page.split("<table", 1)[1].split("</table>")[0]


class TestEditsTouchOnlyWhatChanged:
    def test_saving_an_unchanged_activity_writes_no_history(
        self, clerk: User, agency: Agency, category: Category, officer: Employee
    ) -> None:
        data = trip_input(category, participants=[ParticipantInput(employee_id=officer.pk)])
        activity = activity_create(actor=clerk, agency=agency, data=data)
        ids = sorted(activity.locations.values_list("pk", flat=True))
        before = history_rows()
        activity_update(actor=clerk, activity=activity, data=data)
        assert history_rows() == before
        assert sorted(activity.locations.values_list("pk", flat=True)) == ids

    def test_a_changed_location_is_one_change_in_place(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        jerusalem, tel_aviv = activity.locations.order_by("position")
        before = Location.history.count()
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(
                category,
                locations=[LocationInput("IL", "Jerusalem"), LocationInput("IL", "Haifa")],
            ),
        )
        assert Location.history.count() == before + 1
        latest = Location.history.latest()
        assert (latest.id, latest.history_type, latest.city) == (tel_aviv.pk, "~", "Haifa")
        assert sorted(activity.locations.values_list("pk", flat=True)) == sorted(
            [jerusalem.pk, tel_aviv.pk]
        )

    def test_removing_the_first_location_moves_the_others_and_deletes_one(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(
            actor=clerk,
            agency=agency,
            data=trip_input(
                category,
                locations=[
                    LocationInput("IL", "Jerusalem"),
                    LocationInput("IL", "Tel Aviv"),
                    LocationInput("IL", "Haifa"),
                ],
            ),
        )
        jerusalem, tel_aviv, haifa = activity.locations.order_by("position")
        before = Location.history.count()
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(
                category, locations=[LocationInput("IL", "Tel Aviv"), LocationInput("IL", "Haifa")]
            ),
        )
        new_rows = list(Location.history.order_by("history_id")[before:])
        assert sorted((r.id, r.history_type) for r in new_rows) == sorted(
            [(jerusalem.pk, "-"), (tel_aviv.pk, "~"), (haifa.pk, "~")]
        )
        entries = activity_history(activity=activity)
        moves = [e for e in entries if e["object"] == "Location" and e["action"] == "changed"]
        assert {(e["summary"], tuple(c["field"] for c in e["changes"])) for e in moves} == {
            ("Tel Aviv, Israel", ("position",)),
            ("Haifa, Israel", ("position",)),
        }

    def test_unchanged_participants_keep_their_rows_and_snapshot(
        self, clerk: User, agency: Agency, category: Category, officer: Employee
    ) -> None:
        other = EmployeeFactory.create(agency=agency, serial_number="27002")
        data = trip_input(category, participants=[ParticipantInput(employee_id=officer.pk)])
        activity = activity_create(actor=clerk, agency=agency, data=data)
        kept = activity.participations.get()
        employee_update(actor=clerk, employee=officer, rank="Sergeant")
        activity_update(
            actor=clerk,
            activity=activity,
            data=trip_input(
                category,
                participants=[
                    ParticipantInput(employee_id=officer.pk),
                    ParticipantInput(employee_id=other.pk),
                ],
            ),
        )
        kept.refresh_from_db()
        assert kept.rank_at_time == "Officer"
        assert kept.history.count() == 1


class TestRecorded:
    def test_the_page_and_the_api_say_when_the_department_recorded_it(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        Activity.objects.filter(pk=activity.pk).update(
            recorded_at=dt.datetime(2016, 4, 2, 17, 0, tzinfo=dt.UTC),
            origin="imported",
            source="Training unit spreadsheet, 2016",
        )
        page = text_of(client_for(clerk).get(reverse("activities:detail", args=[activity.pk])))
        assert ">Recorded</dt>" in page
        assert "2 Apr 2016" in page
        assert "Imported from an earlier record: Training unit spreadsheet, 2016" in page
        body = client_for(clerk).get(f"{API}/activities/{activity.pk}").json()
        assert body["recorded_at"].startswith("2016-04-02")
        assert (body["origin"], body["source"]) == ("imported", "Training unit spreadsheet, 2016")

    def test_an_unknown_recording_date_says_not_on_record(
        self, clerk: User, agency: Agency, category: Category
    ) -> None:
        activity = activity_create(actor=clerk, agency=agency, data=trip_input(category))
        Activity.objects.filter(pk=activity.pk).update(recorded_at=None, origin="imported")
        page = text_of(client_for(clerk).get(reverse("activities:detail", args=[activity.pk])))
        recorded = page[page.index('id="recorded"') :].split("</dd>")[0]
        assert "Not on record" in recorded
        assert (
            client_for(clerk).get(f"{API}/activities/{activity.pk}").json()["recorded_at"] is None
        )


def test_reading_the_history_costs_the_same_queries_for_2_or_12_participants(
    clerk: User, agency: Agency, category: Category
) -> None:
    counts = []
    for size in (2, 12):
        people = [EmployeeFactory.create(agency=agency) for _ in range(size)]
        activity = activity_create(
            actor=clerk,
            agency=agency,
            data=trip_input(
                category, participants=[ParticipantInput(employee_id=p.pk) for p in people]
            ),
        )
        with CaptureQueriesContext(connection) as queries:
            entries = activity_history(activity=activity)
        assert len([e for e in entries if e["object"] == "Participant"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7, counts


def test_recording_participants_as_they_are_reads_the_people_once_for_any_delegation(
    clerk: User, agency: Agency, category: Category
) -> None:
    # A 20-person delegation must not cost 20 look-ups of who each person is today.
    reads = []
    for size in (2, 20):
        people = [EmployeeFactory.create(agency=agency) for _ in range(size)]
        with CaptureQueriesContext(connection) as queries:
            activity = activity_create(
                actor=clerk,
                agency=agency,
                data=trip_input(
                    category, participants=[ParticipantInput(employee_id=p.pk) for p in people]
                ),
            )
        reads.append(
            sum(
                1
                for q in queries.captured_queries
                if q["sql"].lstrip().upper().startswith("SELECT")
                and '"people_employee"' in q["sql"].split(" WHERE ")[0]
            )
        )
        assert {p.rank_at_time for p in activity.participations.all()} == {p.rank for p in people}
    assert reads[0] == reads[1], reads
