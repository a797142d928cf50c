"""The review step for ambiguous participant names, and people who moved between agencies
keeping one identity (ADR 0028): service, page, API and command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.models import Activity, Participation
from liaison.core.audit import save_audited
from liaison.exchange.models import BatchStatus, ImportBatch, MatchResolution
from liaison.exchange.review import Choice, import_batch_resolve, pending_matches
from liaison.exchange.services import import_batch_run, import_file
from liaison.exchange.tests.helpers import counts, csv_bytes, department, row
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SOLO = {"funding": "", "reports": ""}
# Row 2: "Chris Park" twice over in the agency (1003 and 1004), no serial number.
PARK = " | Chris Park | Officer |  |  | attendee"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _checked(dept: Any, participants: str = PARK) -> ImportBatch:
    return import_file(
        actor=dept.clerk,
        agency=dept.agency,
        file_name="legacy.csv",
        content=csv_bytes([row(participants=participants, **SOLO)]),
        dry_run=True,
    )


def _serial(pk: int | None) -> str:
    assert pk is not None
    return Employee.objects.get(pk=pk).serial_number


def test_the_check_lists_each_ambiguous_name_with_its_candidates() -> None:
    dept = department()
    batch = _checked(dept)
    assert batch.status == BatchStatus.REFUSED
    [match] = pending_matches(user=dept.clerk, batch=batch)
    assert (match.row, match.participant, match.column, match.name) == (
        2,
        1,
        "participants",
        "Chris Park",
    )
    assert match.value == PARK.strip()
    assert sorted(c.serial_number for c in match.candidates) == ["1003", "1004"]
    assert {c.agency for c in match.candidates} == {dept.agency.name}
    assert not match.decided


def test_a_choice_is_stored_audited_checked_again_and_applied_by_the_import() -> None:
    dept = department()
    batch = _checked(dept)
    [match] = pending_matches(user=dept.clerk, batch=batch)
    chosen = next(c.id for c in match.candidates if c.serial_number == "1004")
    batch = import_batch_resolve(actor=dept.clerk, batch=batch, choices=[Choice(2, 1, chosen)])
    assert batch.status == BatchStatus.UPLOADED
    resolution = MatchResolution.objects.get()
    assert (resolution.employee_id, resolution.decided_by) == (chosen, dept.clerk)
    assert resolution.history.get().history_user == dept.clerk  # type: ignore[attr-defined]
    from liaison.exchange.services import import_batch_check

    batch = import_batch_check(actor=dept.clerk, batch=batch)
    assert (batch.status, batch.created, batch.ambiguous) == (BatchStatus.CHECKED, 1, [])
    assert Activity.objects.count() == 0  # the check saves nothing
    batch = import_batch_run(actor=dept.clerk, batch=batch)
    assert batch.status == BatchStatus.IMPORTED
    assert _serial(Participation.objects.get().employee_id) == "1004"


def test_none_of_these_leaves_the_row_an_error() -> None:
    dept = department()
    batch = _checked(dept)
    batch = import_batch_resolve(actor=dept.clerk, batch=batch, choices=[Choice(2, 1, None)])
    from liaison.exchange.services import import_batch_check

    batch = import_batch_check(actor=dept.clerk, batch=batch)
    assert batch.status == BatchStatus.REFUSED
    [problem] = batch.errors
    assert problem["row"] == 2 and "you chose none" in problem["message"]
    [match] = pending_matches(user=dept.clerk, batch=batch)
    assert match.decided and match.employee_id is None


@pytest.mark.parametrize(
    ("choice", "key", "named"),
    [
        (Choice(3, 1, None), "resolutions[0].row", "Row 3, participant 1"),
        (Choice(2, 2, None), "resolutions[0].row", "Row 2, participant 2"),
        ("ana", "resolutions[0].employee_id", "Employee "),
    ],
)
def test_a_bad_answer_is_refused_naming_it_and_nothing_changes(
    choice: Any, key: str, named: str
) -> None:
    dept = department()
    batch = _checked(dept)
    if choice == "ana":  # an employee of the agency, but not one of this name's candidates
        choice = Choice(2, 1, Employee.objects.get(serial_number="1001").pk)
    with pytest.raises(ValidationError) as caught:
        import_batch_resolve(actor=dept.clerk, batch=batch, choices=[choice])
    assert named in caught.value.message_dict[key][0]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REFUSED
    assert not MatchResolution.objects.exists()


def test_another_agencys_coordinator_may_not_answer() -> None:
    dept = department()
    batch = _checked(dept)
    other = user_with_role("coordinator", AgencyFactory.create(), "other-clerk")
    from liaison.core.errors import Forbidden

    chosen = pending_matches(user=dept.clerk, batch=batch)[0].candidates[0].id
    with pytest.raises(Forbidden):
        import_batch_resolve(actor=other, batch=batch, choices=[Choice(2, 1, chosen)])
    assert not MatchResolution.objects.exists()


def test_the_review_page_answers_with_radio_buttons_and_checks_again() -> None:
    dept = department()
    batch = _checked(dept)
    client = _client(dept.clerk)
    detail = client.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert f"/exchange/imports/{batch.pk}/matches/" in detail
    page = client.get(f"/exchange/imports/{batch.pk}/matches/").content.decode()
    assert "<fieldset" in page and "<legend" in page and 'type="radio"' in page
    assert "serial number 1003" in page and "None of these" in page
    # Nothing chosen: the error summary names the question; nothing is stored.
    refused = client.post(f"/exchange/imports/{batch.pk}/matches/", {})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert "Choose who “Chris Park” in row 2 is." in refused.content.decode()
    assert not MatchResolution.objects.exists()
    chosen = Employee.objects.get(serial_number="1003").pk
    done = client.post(f"/exchange/imports/{batch.pk}/matches/", {"match-2-1": str(chosen)})
    assert done["Location"] == f"/exchange/imports/{batch.pk}/"
    batch.refresh_from_db()
    assert (batch.status, batch.created) == (BatchStatus.CHECKED, 1)
    assert MatchResolution.objects.get().employee_id == chosen


def test_the_api_lists_the_matches_and_takes_the_answers() -> None:
    dept = department()
    batch = _checked(dept)
    client = _client(dept.clerk)
    [match] = client.get(f"/api/v1/imports/{batch.pk}/matches").json()
    assert match["row"] == 2 and match["name"] == "Chris Park"
    assert {c["serial_number"] for c in match["candidates"]} == {"1003", "1004"}
    bad = client.post(
        f"/api/v1/imports/{batch.pk}/matches",
        json.dumps({"resolutions": [{"row": 2, "participant": 1, "employee_id": 999999}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "Employee 999999" in bad.content.decode()
    assert not MatchResolution.objects.exists()
    chosen = next(c["id"] for c in match["candidates"] if c["serial_number"] == "1004")
    done = client.post(
        f"/api/v1/imports/{batch.pk}/matches",
        json.dumps({"resolutions": [{"row": 2, "participant": 1, "employee_id": chosen}]}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "checked"
    imported = client.post(f"/api/v1/imports/{batch.pk}/import").json()
    assert imported["status"] == "imported"
    assert _serial(Participation.objects.get().employee_id) == "1004"


def test_the_api_shows_no_candidate_to_a_coordinator_of_another_agency() -> None:
    dept = department()
    batch = _checked(dept)
    other = user_with_role("coordinator", AgencyFactory.create(), "other-clerk")
    assert _client(other).get(f"/api/v1/imports/{batch.pk}/matches").status_code == 404


def test_the_command_takes_a_resolutions_file(tmp_path: Path) -> None:
    dept = department()
    data = tmp_path / "legacy.csv"
    data.write_bytes(csv_bytes([row(participants=PARK, **SOLO)]))
    before = counts()
    with pytest.raises(CommandError):
        call_command("import_records", str(data), "--agency", dept.agency.ori_code)
    assert counts() == before
    answers = tmp_path / "answers.csv"
    answers.write_text("row,participant,serial_number\n2,1,9999\n")
    with pytest.raises(CommandError, match="serial number “9999” is not one of the people"):
        call_command(
            "import_records", str(data), "--agency", dept.agency.ori_code,
            "--resolutions", str(answers),
        )  # fmt: skip
    assert counts() == before
    answers.write_text("row,participant,serial_number\n2,1,1003\n")
    call_command(
        "import_records", str(data), "--agency", dept.agency.ori_code,
        "--resolutions", str(answers),
    )  # fmt: skip
    assert _serial(Participation.objects.get().employee_id) == "1003"


# --- people who moved between agencies -------------------------------------------------------


def _move(employee: Employee, agency: Any, serial: str, actor: Any) -> None:
    """A move between agencies: the same row, a new agency (and serial number); the
    history keeps the old ones."""
    employee.agency = agency
    employee.serial_number = serial
    save_audited(employee, actor=actor, reason="moved to another agency")


def test_a_person_who_moved_away_is_matched_by_their_old_serial_number() -> None:
    dept = department()
    county = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    ana = Employee.objects.get(serial_number="1001", agency=dept.agency)
    _move(ana, county, "S-12", dept.clerk)
    people_before = Employee.objects.count()
    batch = import_file(
        actor=dept.clerk,
        agency=dept.agency,
        file_name="legacy.csv",
        content=csv_bytes([row(participants="1001 | Ana Lopez | Sergeant | Vice |  |", **SOLO)]),
        dry_run=False,
    )
    assert batch.status == BatchStatus.IMPORTED, batch.errors
    participation = Participation.objects.get()
    assert participation.employee_id == ana.pk  # the same person, not a new one
    assert Employee.objects.count() == people_before
    # The participation keeps the agency of the time, not today's.
    assert participation.agency_at_time == dept.agency.name
    assert participation.rank_at_time == "Sergeant"
    ana.refresh_from_db()
    assert ana.agency == county  # the person stays where they are now


def test_a_current_employee_wins_over_a_former_holder_of_the_serial_number() -> None:
    dept = department()
    county = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    ana = Employee.objects.get(serial_number="1001", agency=dept.agency)
    _move(ana, county, "S-12", dept.clerk)
    newcomer = EmployeeFactory.create(agency=dept.agency, serial_number="1001")
    batch = import_file(
        actor=dept.clerk,
        agency=dept.agency,
        file_name="legacy.csv",
        content=csv_bytes([row(participants="1001 |  |  |  |  |", **SOLO)]),
        dry_run=False,
    )
    assert batch.status == BatchStatus.IMPORTED, batch.errors
    assert Participation.objects.get().employee_id == newcomer.pk


def test_a_serial_number_of_another_agency_finds_nobody() -> None:
    dept = department()
    county = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    EmployeeFactory.create(agency=county, serial_number="7777")  # never of this agency
    before = counts()
    batch = _checked(dept, participants="7777 |  |  |  |  |")
    assert batch.status == BatchStatus.REFUSED
    assert "no employee or external person" in batch.errors[0]["message"]
    assert counts() == before


def test_only_an_import_names_a_former_employee_a_new_activity_does_not() -> None:
    from liaison.activities.services import ActivityInput, ParticipantInput, activity_create

    dept = department()
    county = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    ana = Employee.objects.get(serial_number="1001", agency=dept.agency)
    _move(ana, county, "S-12", dept.clerk)
    data = ActivityInput(
        title="Aviation Safety Seminar", direction="outbound", kind="conference",
        category_id=None, category_slug="human-trafficking", purpose="Compare crew training.",
        justification="", start_date=None, end_date=None,
        participants=[ParticipantInput(employee_id=ana.pk)],
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        activity_create(actor=dept.clerk, agency=dept.agency, data=data)
    assert "participants[0].employee" in caught.value.message_dict
    assert not Activity.objects.exists()
