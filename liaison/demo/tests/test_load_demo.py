"""``load_demo``: the demo department reproduces the IG review's published figures.

The demo is loaded once for this module, inside a transaction that is rolled back when the
module ends, so no other test sees it; each test still runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalChanges

from conftest import client_for
from liaison.accounts.models import Agency, Role, RoleGrant, User
from liaison.activities.access import activities_visible_to
from liaison.activities.models import Activity, Category, Location, Participation, Topic
from liaison.activities.workflow import Status
from liaison.approvals.models import ApprovalPolicy, ApprovalStep
from liaison.demo import context, make_source
from liaison.demo.context import DemoContext
from liaison.demo.loader import load_demo
from liaison.demo.steps import STEPS, imports
from liaison.demo.steps import registry as build
from liaison.exchange.models import BatchStatus, ImportBatch, ImportedRecord, MatchResolution
from liaison.exchange.spec import ACTIVITIES
from liaison.funding.models import Contribution, Funder
from liaison.outcomes.models import (
    Adoption,
    AlignmentReview,
    Decision,
    FollowUp,
    NothingAdopted,
    Policy,
)
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.reports.models import EvaluationReport, Recommendation
from liaison.retention.models import LegalHold, RetentionSchedule, Tombstone
from liaison.security.models import (
    AdvisoryLevel,
    Briefing,
    CountryRisk,
    HumanRightsConcern,
    RiskAssessment,
)
from liaison.security.selectors import outbound_without_risk_assessment
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest

DEMO_LOGINS = {
    "employee": Role.EMPLOYEE,
    "commander": Role.APPROVER,
    "deputy": Role.COMMAND,
    "coordinator": Role.COORDINATOR,
    "security": Role.SECURITY,
    "reviewer": Role.REVIEWER,
    "inspector": Role.OVERSEER,
    "admin": Role.ADMIN,
}
CC_TITLE = "Command and Control Counter-Terrorism"
UAE_TITLE = "Police Academy Course for United Arab Emirates Ministry of Interior Officers"


# Real password hashing costs ~0.7 s per check; these tests check passwords, not hashing.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), FAST_HASHING, transaction.atomic():
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output: str, db: None) -> Agency:
    return Agency.objects.get(ori_code=build.AGENCY_ORI)


def employee_participations(agency: Agency, **filters: Any) -> Any:
    return Participation.objects.filter(activity__agency=agency, employee__isnull=False, **filters)


def source(name: str) -> list[dict[str, str]]:
    return context.read_rows(name)


# --- the published figures, from the database, counted by start date ----------------------

# The IG's period: activities that *started* between these days (ADR 0007).
IG_PERIOD = (dt.date(2014, 1, 1), dt.date(2024, 8, 1))


def in_ig_period(agency: Agency) -> Any:
    return Activity.objects.filter(agency=agency, start_date__range=IG_PERIOD)


def legacy(agency: Agency) -> Any:
    """The 117 records of the IG's period (later steps add activities entered since)."""
    return Activity.objects.filter(agency=agency, source__startswith=build.SOURCE.split("{")[0])


def test_it_loads_117_activities_that_started_between_january_2014_and_august_2024(
    demo: Agency,
) -> None:
    assert legacy(demo).count() == 117
    assert in_ig_period(demo).count() == 117
    # What later steps add started after the review's period: the coordinator's import of
    # the unit's 2024–25 log (September 2024 on), and what was entered since (2025 on).
    later = Activity.objects.filter(agency=demo).exclude(pk__in=legacy(demo))
    assert not later.filter(start_date__lte=IG_PERIOD[1])
    assert not later.filter(start_date__lt=dt.date(2025, 1, 1)).exclude(
        source__startswith=imports.FILE_NAME
    )
    assert set(in_ig_period(demo).values_list("status", flat=True)) <= {
        Status.COMPLETED,
        Status.CLOSED,
    }


def test_243_distinct_employees_took_part_in_the_period(demo: Agency) -> None:
    travellers = employee_participations(demo, activity__in=in_ig_period(demo))
    assert travellers.values("employee").distinct().count() == 243
    # The department has employees who never travelled, too.
    assert Employee.objects.filter(agency=demo).count() > 243


def test_israel_has_nine_activities_and_18_employees(demo: Agency) -> None:
    israel = in_ig_period(demo).filter(locations__country="IL").distinct()
    assert israel.count() == 9
    travellers = employee_participations(demo, activity__in=israel)
    assert travellers.values("employee").distinct().count() == 18


def test_command_and_control_went_to_a_deputy_chief_and_seven_others(demo: Agency) -> None:
    cc = Activity.objects.get(agency=demo, title=CC_TITLE)
    assert cc.category.slug == "executive-development"
    assert {t.name for t in cc.topics.all()} == {"counterterrorism", "command and control"}
    assert set(cc.locations.values_list("country", flat=True)) == {"IL"}
    # Their ranks in 2016, as the source lists them.
    ranks = list(employee_participations(demo, activity=cc).values_list("rank_at_time", flat=True))
    assert len(ranks) == 8
    assert ranks.count("Deputy Chief") == 1


def test_nearly_a_quarter_of_activities_were_in_canada(demo: Agency) -> None:
    canada = legacy(demo).filter(locations__country="CA").distinct().count()
    assert 0.22 <= canada / 117 <= 0.26
    categories = set(
        Activity.objects.filter(agency=demo, locations__country="CA").values_list(
            "category__slug", flat=True
        )
    )
    assert {"human-trafficking", "clandestine-drug-labs"} <= categories


@pytest.mark.parametrize(
    ("category", "countries"),
    [
        ("crowd-control-public-order", {"TH", "AT"}),
        ("aviation", {"CO", "GB", "MX", "DE", "PL"}),
        ("crimes-against-children", {"SG", "FR", "GB"}),
        ("major-event-security", {"IT", "FR"}),
    ],
)
def test_the_reported_destinations_are_there(
    demo: Agency, category: str, countries: set[str]
) -> None:
    found = set(
        Location.objects.filter(
            activity__agency=demo, activity__category__slug=category
        ).values_list("country", flat=True)
    )
    assert countries <= found


def test_the_inbound_uae_course_has_five_ministry_trainees(demo: Agency) -> None:
    course = Activity.objects.get(agency=demo, title=UAE_TITLE)
    assert course.direction == "inbound"
    assert course.start_date.year == 2023 and course.start_date.month in (6, 7, 8)
    trainees = ExternalPerson.objects.filter(
        participations__activity=course, participations__role="trainee"
    )
    assert trainees.count() == 5
    assert {
        (p.organisation.name, str(p.country), str(p.organisation.country))
        for p in trainees
        if p.organisation
    } == {("Ministry of Interior", "AE", "AE")}


def test_it_fills_the_vocabulary_and_the_registry(demo: Agency) -> None:
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {
        "counterterrorism",
        "human-trafficking",
        "clandestine-drug-labs",
        "crowd-control-public-order",
        "aviation",
        "crimes-against-children",
        "major-event-security",
        "investigative-techniques",
        "executive-development",
    } <= slugs
    for name, country in [
        ("Israel National Police", "IL"),
        ("Royal Thai Police", "TH"),
        ("INTERPOL", "FR"),
        ("Airborne Law Enforcement Association", "US"),
    ]:
        assert Organisation.objects.filter(name=name, country=country).exists()


def test_records_are_attributed_to_the_loader_in_the_history(demo: Agency) -> None:
    cc = Activity.objects.get(agency=demo, title=CC_TITLE)
    first = cc.history.earliest()  # type: ignore[attr-defined]
    assert first.history_user.username == build.LOADER_USERNAME
    assert first.history_type == "+"


# --- the sign-ins ---------------------------------------------------------------------------


def test_each_demo_login_exists_with_its_role(demo: Agency) -> None:
    for username, role in DEMO_LOGINS.items():
        user = User.objects.get(username=username)
        assert RoleGrant.objects.filter(user=user, role=role, agency=demo).exists(), username
        assert user.check_password(context.DEFAULT_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="inspector").is_staff
    assert not User.objects.get(username=build.LOADER_USERNAME).has_usable_password()


def test_the_employee_login_sees_their_own_trips(demo: Agency) -> None:
    user = User.objects.get(username="employee")
    employee = Employee.objects.get(user=user)
    own = activities_visible_to(user)
    assert own.count() >= 2
    assert own.count() == Participation.objects.filter(employee=employee).count()


def test_it_prints_the_logins_and_the_password(demo_output: str) -> None:
    assert context.DEFAULT_PASSWORD in demo_output
    for username in DEMO_LOGINS:
        assert f"  {username} " in demo_output


# --- idempotence and the safety catch -------------------------------------------------------

COUNTED: list[type[Model]] = [
    Agency,
    User,
    RoleGrant,
    Category,
    Topic,
    Organisation,
    Employee,
    ExternalPerson,
    Activity,
    Location,
    Participation,
    Contact,
    InboundTrainee,
    VettingRequest,
    CountryRisk,
    AdvisoryLevel,
    HumanRightsConcern,
    RiskAssessment,
    Briefing,
    ApprovalStep,
    ApprovalPolicy,
    Funder,
    Contribution,
    ImportBatch,
    ImportedRecord,
    MatchResolution,
    EvaluationReport,
    Recommendation,
    Policy,
    Decision,
    Adoption,
    FollowUp,
    AlignmentReview,
    NothingAdopted,
    RetentionSchedule,
    LegalHold,
    Tombstone,
]


def counts() -> dict[str, int]:
    result = {model.__name__: model._default_manager.count() for model in COUNTED}
    for model in COUNTED:
        history = getattr(model, "history", None)
        if history is not None and issubclass(history.model, HistoricalChanges):
            result[f"history of {model.__name__}"] = history.count()
    return result


def test_running_it_twice_creates_nothing_new(demo: Agency) -> None:
    before = counts()
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    assert counts() == before
    assert "Nothing new" in out.getvalue()
    # Every user it manages is counted as already there: the eight sign-ins and the loader.
    assert "users               0 created,    9 already there" in out.getvalue()
    # The coordinator's import is found by its file's SHA-256: not uploaded or checked again.
    assert "import batches      0 created,    1 already there" in out.getvalue()
    assert "imported records    0 created,   10 already there" in out.getvalue()


def test_it_refuses_to_run_when_debug_is_off(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIAISON_ALLOW_DEMO", raising=False)
    before = Activity.objects.count()
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert Activity.objects.count() == before


def test_it_runs_with_debug_off_when_forced(demo: Agency, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIAISON_ALLOW_DEMO", raising=False)
    with override_settings(DEBUG=False):
        call_command("load_demo", "--force", stdout=StringIO())
        monkeypatch.setenv("LIAISON_ALLOW_DEMO", "1")
        call_command("load_demo", stdout=StringIO())
    assert legacy(demo).count() == 117


def test_it_rejects_a_weak_demo_password(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "1234")
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("load_demo", stdout=StringIO())


# --- the source CSVs (no database) ----------------------------------------------------------


def test_the_source_israel_costs_add_up_to_87000() -> None:
    israel = [r for r in source("activities.csv") if r["locations"].startswith("IL:")]
    assert len(israel) == 9
    assert sum(int(r["cost_usd"]) for r in israel) == 87000
    cc = next(r for r in israel if r["title"] == CC_TITLE)
    assert (cc["cost_usd"], cc["funder_type"]) == ("52470", "federal_grant")
    assert cc["grant_id"]


def test_about_80_percent_of_the_source_activities_were_paid_by_others() -> None:
    rows = source("activities.csv")
    outside = sum(r["funder_type"] != "department" for r in rows) / len(rows)
    assert 0.75 <= outside <= 0.85


def test_few_source_activities_have_a_full_evaluation_report() -> None:
    reports = [r["evaluation_report"] for r in source("activities.csv")]
    assert set(reports) == {"none", "brief_statement", "full"}
    assert reports.count("full") / len(reports) < 0.1


def test_the_source_csvs_are_what_make_source_writes(tmp_path: Path) -> None:
    make_source.main(out_dir=tmp_path)
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert names == sorted(p.name for p in context.DATA_DIR.glob("*.csv"))
    _same, mismatch, errors = filecmp.cmpfiles(tmp_path, context.DATA_DIR, names, shallow=False)
    assert (mismatch, errors) == ([], [])


# --- provenance: every legacy demo activity is an imported record ---------------------------


def test_every_activity_is_imported_with_its_own_source(demo: Agency) -> None:
    activities = legacy(demo)
    assert set(activities.values_list("origin", flat=True)) == {"imported"}
    sources = list(activities.values_list("source", flat=True))
    assert len(set(sources)) == 117
    cc = next(r for r in source("activities.csv") if r["title"] == CC_TITLE)
    assert Activity.objects.get(agency=demo, title=CC_TITLE).source == build.SOURCE.format(
        key=cc["key"]
    )


def test_recorded_is_the_date_the_source_shows_and_unknown_where_records_were_destroyed(
    demo: Agency,
) -> None:
    by_source = {a.source: a for a in Activity.objects.filter(agency=demo)}
    unknown = 0
    for row in source("activities.csv"):
        activity = by_source[build.SOURCE.format(key=row["key"])]
        if row["travel_records"] == "destroyed_under_retention":
            assert activity.recorded_at is None, row["key"]
            unknown += 1
        else:
            assert activity.recorded_at is not None, row["key"]
            local_day = timezone.localtime(activity.recorded_at).date()
            assert local_day.isoformat() == row["recorded_on"], row["key"]
            # Never the day the loader ran.
            assert local_day < dt.date(2025, 1, 1)
    assert 0 < unknown < 117


def test_steps_missing_from_the_source_are_marked_not_on_record(demo: Agency) -> None:
    by_source = {a.source: a for a in Activity.objects.filter(agency=demo)}
    seen: set[str] = set()
    for row in source("activities.csv"):
        steps = by_source[build.SOURCE.format(key=row["key"])].not_on_record
        assert ("approval" in steps) == (row["approval"] == "not_on_record"), row["key"]
        assert ("evaluation_report" in steps) == (row["evaluation_report"] == "none"), row["key"]
        assert ("travel_records" in steps) == (
            row["travel_records"] == "destroyed_under_retention"
        ), row["key"]
        seen.update(steps)
    assert seen == {"approval", "evaluation_report", "travel_records"}


def test_a_request_on_file_was_recorded_before_the_activity_started(demo: Agency) -> None:
    on_file = [a for a in Activity.objects.filter(agency=demo) if "approval" not in a.not_on_record]
    assert on_file
    for activity in on_file:
        assert activity.recorded_at is not None
        assert timezone.localtime(activity.recorded_at).date() < activity.start_date


def test_participants_keep_the_rank_the_source_shows_not_todays(demo: Agency) -> None:
    today = {row["serial_number"]: row["rank"] for row in source("people.csv")}
    promoted = [
        row
        for row in source("participations.csv")
        if row["serial_number"] and row["rank_at_time"] != today[row["serial_number"]]
    ]
    assert promoted, "the source should show some people at an earlier rank"
    by_source = {a.source: a.pk for a in Activity.objects.filter(agency=demo)}
    for row in promoted:
        participation = Participation.objects.get(
            activity_id=by_source[build.SOURCE.format(key=row["activity"])],
            employee__serial_number=row["serial_number"],
        )
        assert participation.rank_at_time == row["rank_at_time"]
        assert participation.employee is not None
        assert participation.employee.rank == today[row["serial_number"]]


def test_accounts_are_set_up_by_the_system_and_records_by_the_loader(demo: Agency) -> None:
    assert demo.history.earliest().history_user is None  # type: ignore[attr-defined]
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.history.earliest().history_user is None  # type: ignore[attr-defined]
    employee = Employee.objects.get(user__username="employee")
    linked = employee.history.latest()  # type: ignore[attr-defined]
    assert linked.history_user.username == build.LOADER_USERNAME
    assert User.objects.get(username="employee").first_name == employee.first_name


# --- the loader and its steps ---------------------------------------------------------------


def test_the_registry_step_runs_first() -> None:
    assert STEPS[0] is build.load


def test_a_later_step_finds_every_activity_by_its_key_on_a_second_run_too(demo: Agency) -> None:
    seen: dict[str, Any] = {}

    def probe(ctx: DemoContext) -> None:
        seen["cc"] = ctx.activity(next(k for k, a in ctx.activities.items() if a.title == CC_TITLE))
        seen["keys"] = sorted(ctx.activities)
        seen["actor"] = ctx.actor.username
        with pytest.raises(KeyError, match="A999"):
            ctx.activity("A999")

    report = load_demo(steps=[build.load, probe])
    assert not report.created
    assert seen["keys"] == [f"A{n:03d}" for n in range(1, 118)]
    assert seen["cc"].title == CC_TITLE
    assert seen["actor"] == build.LOADER_USERNAME


def test_a_database_loaded_before_provenance_is_not_loaded_twice(demo: Agency) -> None:
    # What the earlier loader left: entered records without a source.
    before = Activity.objects.filter(agency=demo).count()
    Activity.objects.filter(pk__in=list(legacy(demo).values_list("pk", flat=True))).update(
        origin="entered", source=""
    )
    report = load_demo(steps=[build.load])
    assert report.created["activities"] == 0
    assert Activity.objects.filter(agency=demo).count() == before


# --- the security step ------------------------------------------------------------------------


def test_the_register_covers_every_country_the_activities_visit(demo: Agency) -> None:
    visited = set(
        Location.objects.filter(activity__agency=demo)
        .exclude(country=settings.HOME_COUNTRY)
        .values_list("country", flat=True)
    )
    registered = set(CountryRisk.objects.values_list("country", flat=True))
    assert visited <= registered
    israel = [
        (a.effective_date.isoformat(), a.level)
        for a in AdvisoryLevel.objects.filter(country_risk__country="IL").order_by("effective_date")
    ]
    assert israel[-1] == ("2023-10-14", 3)
    assert ("2020-03-19", 4) in israel


def test_legacy_activities_have_no_assessment_and_the_gap_shows(demo: Agency) -> None:
    assert not RiskAssessment.objects.filter(activity__in=in_ig_period(demo)).exists()
    gaps = outbound_without_risk_assessment(scope=frozenset({demo.pk}))
    legacy_abroad = (
        in_ig_period(demo)
        .filter(direction="outbound")
        .exclude(locations__country=settings.HOME_COUNTRY)
    )
    assert gaps["without_risk_assessment_imported"] >= legacy_abroad.count() > 90


def test_new_requests_are_assessed_at_the_level_of_the_day(demo: Agency) -> None:
    # The vetting step's 2025 seminar has the same title: the security step's is in 2027.
    seminar = Activity.objects.get(
        agency=demo, title="Counter-Terrorism Command Seminar", start_date__year=2027
    )
    assert seminar.origin == "entered" and seminar.status == "submitted"
    levels = {
        loc.city: loc.risk_assessment.advisory_level_at_time for loc in seminar.locations.all()
    }
    assert levels == {"Tel Aviv": 3, "Jerusalem": 3}
    assert Briefing.objects.filter(assessment__activity=seminar).count() == 2
    aviation = Activity.objects.get(agency=demo, title="Police Aviation Safety Convention")
    reopened = RiskAssessment.objects.get(activity=aviation)
    assert reopened.status == "reopened" and "Medellín" in reopened.reopened_reason
    exchange = Activity.objects.get(agency=demo, title="Human Trafficking Investigators Exchange")
    assert not RiskAssessment.objects.filter(activity=exchange).exists()


# --- requests and approval records (approvals.csv) ------------------------------------------


def test_requests_of_2025_and_2026_are_in_every_state_of_the_workflow(demo: Agency) -> None:
    titles = [row["title"] for row in source("approvals.csv")]
    statuses = set(
        Activity.objects.filter(agency=demo, title__in=titles).values_list("status", flat=True)
    )
    assert statuses == set(Status.values)


def test_an_inspector_can_tell_who_approved_the_israel_trip_and_when(demo: Agency) -> None:
    from django.test import Client

    trip = Activity.objects.get(agency=demo, title="Mass-Casualty Response Study Visit")
    client = Client()
    client.force_login(User.objects.get(username="inspector"))
    body = client.get(f"/api/v1/activities/{trip.pk}/approvals").json()
    approved = [(s["decided_by_name"], s["decided_by_role"]) for s in body["approved_by"]]
    assert approved == [
        ("Raymond Castellanos", "Approver"),
        ("Patricia Lindqvist", "Higher command"),
    ]
    assert all(s["decided_at"] for s in body["approved_by"])
    assert "Israel" in body["approved_by"][1]["why"]
    page = client.get(f"/activities/{trip.pk}/").content.decode()
    assert "Patricia Lindqvist" in page and "Approval record" in page


def test_the_legacy_records_say_approval_not_on_record_and_are_flagged(demo: Agency) -> None:
    from liaison.activities.selectors import started_without_approval_q

    legacy = in_ig_period(demo)
    assert not ApprovalStep.objects.filter(activity__in=legacy).exists()
    # Every legacy record started without an approval on record in Liaison: flagged,
    # including those whose source says a request was on file.
    assert legacy.filter(started_without_approval_q()).count() == 117
    not_on_record = [a for a in legacy if "approval" in a.not_on_record]
    assert 0 < len(not_on_record) < 117


# --- the imports step: the coordinator's import of the unit's 2024–25 log -------------------


def unit_log() -> list[dict[str, str]]:
    return source(imports.FILE_NAME)


def test_the_import_runs_after_funding_and_before_retention() -> None:
    from liaison.demo.steps import funding, retention

    assert STEPS.index(funding.load) < STEPS.index(imports.load) < STEPS.index(retention.load)


def test_the_unit_log_is_a_file_in_the_exchange_format_after_the_ig_period() -> None:
    with (context.DATA_DIR / imports.FILE_NAME).open(encoding="utf-8") as handle:
        assert tuple(handle.readline().strip().split(",")) == ACTIVITIES.headers
    rows = unit_log()
    assert len(rows) == 10
    assert all(dt.date.fromisoformat(r["start_date"]) > IG_PERIOD[1] for r in rows)


def test_the_coordinator_imported_the_unit_log_as_one_batch(demo: Agency) -> None:
    content = (context.DATA_DIR / imports.FILE_NAME).read_bytes()
    batch = ImportBatch.objects.get(agency=demo)
    assert batch.file_name == imports.FILE_NAME
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert batch.size == len(content)
    assert (batch.status, batch.rows, batch.created, batch.errors) == (
        BatchStatus.IMPORTED,
        10,
        10,
        [],
    )
    coordinator = User.objects.get(username="coordinator")
    assert batch.uploaded_by == coordinator
    # Uploaded, checked (the dry run) and imported, each step by the coordinator.
    steps = batch.history.order_by("history_id")  # type: ignore[attr-defined]
    assert [h.history_change_reason for h in steps] == [
        "uploaded",
        BatchStatus.CHECKING,
        BatchStatus.CHECKED,
        BatchStatus.IMPORTING,
        BatchStatus.IMPORTED,
    ]
    assert {h.history_user for h in steps} == {coordinator}
    records = ImportedRecord.objects.filter(batch=batch).order_by("row_number")
    assert [(r.source_system, r.source_id) for r in records] == [
        (r["source_system"], r["source_id"]) for r in unit_log()
    ]
    assert [r.row_number for r in records] == list(range(2, 12))


def test_an_imported_record_says_where_it_came_from(demo: Agency) -> None:
    coordinator = User.objects.get(username="coordinator")
    first = unit_log()[0]
    activity = Activity.objects.get(agency=demo, import_record__source_id=first["source_id"])
    assert activity.title == first["title"]
    assert activity.source == f"{imports.FILE_NAME}, row 2"
    created = activity.history.earliest()  # type: ignore[attr-defined]
    assert (created.history_user, created.history_type) == (coordinator, "+")
    page = client_for(User.objects.get(username="inspector")).get(
        reverse("activities:detail", args=[activity.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Imported from {imports.FILE_NAME}, row 2." in text
    batch = activity.import_record.batch  # type: ignore[attr-defined]
    assert batch.sha256 in text
    assert "Denise Whitfield" in text  # the coordinator, who imported it
    # The coordinator finds the batch on the import pages.
    client = client_for(coordinator)
    assert imports.FILE_NAME in client.get(reverse("exchange:import_list")).content.decode()
    detail = client.get(reverse("exchange:import_detail", args=[batch.pk]))
    assert detail.status_code == 200
    assert batch.sha256 in detail.content.decode()


def test_the_unit_log_brings_participants_funding_approvals_and_reports(demo: Agency) -> None:
    records = Activity.objects.filter(agency=demo, source__startswith=imports.FILE_NAME)
    assert records.count() == 10
    # The drone seminar's second traveller is named without a serial number: matched by name.
    drone = records.get(title="Drone Operations for Search and Rescue Seminar")
    row = next(r for r in unit_log() if r["title"] == drone.title)
    named = row["participants"].split("; ")[1].split(" | ")
    assert named[0] == ""
    matched = drone.participations.get(name_at_time=named[1]).employee
    assert matched is not None
    assert f"{matched.first_name} {matched.last_name}" == named[1]
    assert Contribution.objects.filter(activity__in=records).count() == sum(
        len([f for f in r["funding"].split("; ") if f]) for r in unit_log()
    )
    gangs = records.get(title="Gang Intervention Strategies Seminar")
    assert list(gangs.approval_steps.values_list("decided_by_name", flat=True)) == [
        "Raymond Castellanos",
        "Patricia Lindqvist",
    ]
    assert EvaluationReport.objects.filter(activity__in=records).count() == 5
    assert set(records.values_list("host_organisation__name", flat=True)) >= {
        "Vancouver Police Department",
        "Europol",
    }
