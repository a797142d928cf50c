"""The first step: the demo department's registry, through the services.

The agency and the sign-ins are set up by the *system* (``actor=None``: the command is run
by someone with shell access, as a deployer would), and everything else by the demo
loader user (a coordinator of the agency that cannot sign in), so the history says who
did what. The 117 activities are legacy records: they come in through ``activity_import``
with their provenance (``SOURCE``), the date the department first recorded each one
(``recorded_on``; empty where the travel records were destroyed), and the steps the
source does not document (``not_on_record``).

Idempotent: each record has a stable key (agency ORI, username, category slug or name,
organisation name + country, serial number, external person name + country, activity
key in its ``source``) and anything that already exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from liaison.accounts.models import Agency, Role, User
from liaison.accounts.services import agency_create, role_grant, user_create
from liaison.activities.models import Activity, Category, Origin
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_import,
    category_create,
)
from liaison.demo.context import DemoContext, read_rows, split_list
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.services import (
    employee_create,
    employee_link_user,
    external_person_create,
    organisation_create,
)

AGENCY_NAME = "Metro City Police Department"
AGENCY_ORI = "CA0199900"
AGENCY_STATE = "CA"
# The system user the records are attributed to in the history ("who loaded this?").
LOADER_USERNAME = "demo-loader"
# Where the legacy records "came from": the log the department reconstructed for the
# Inspector General's review. The activity key makes each source unique, so it is also
# how a second run recognises an activity it already loaded.
SOURCE = "Foreign training log reconstructed for the Inspector General's review, entry {key}"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    first_name: str
    last_name: str
    superuser: bool = False


# One sign-in per role. Names are invented; the employee's come from their Employee record.
DEMO_LOGINS = (
    DemoLogin("employee", Role.EMPLOYEE, "", ""),
    DemoLogin("commander", Role.APPROVER, "Raymond", "Castellanos"),
    # Higher command: the second approval step when the agency's rules call for it.
    DemoLogin("deputy", Role.COMMAND, "Patricia", "Lindqvist"),
    DemoLogin("coordinator", Role.COORDINATOR, "Denise", "Whitfield"),
    DemoLogin("security", Role.SECURITY, "Martin", "Okoro"),
    DemoLogin("reviewer", Role.REVIEWER, "Helen", "Marchetti"),
    DemoLogin("inspector", Role.OVERSEER, "Gloria", "Ambrose"),
    DemoLogin("admin", Role.ADMIN, "Sam", "Ortega", superuser=True),
)

# activities.csv column → (value meaning "not on record", the NOT_ON_RECORD_STEPS key).
NOT_ON_RECORD_COLUMNS = (
    ("approval", "not_on_record", "approval"),
    ("evaluation_report", "none", "evaluation_report"),
    ("travel_records", "destroyed_under_retention", "travel_records"),
)


def load(ctx: DemoContext) -> None:
    """Agency, loader, sign-ins, vocabulary, organisations, people and activities."""
    ctx.agency = _agency(ctx)
    ctx.loader = _loader(ctx)
    ctx.logins = _logins(ctx)
    ctx.categories = _categories(ctx)
    ctx.organisations = _organisations(ctx)
    ctx.employees = _employees(ctx)
    _link_employee_login(ctx)
    ctx.external_people = _external_people(ctx)
    ctx.activities = _activities(ctx)


def _agency(ctx: DemoContext) -> Agency:
    agency = Agency.objects.filter(ori_code=AGENCY_ORI).first()
    created = agency is None
    if agency is None:
        agency = agency_create(
            actor=None, name=AGENCY_NAME, ori_code=AGENCY_ORI, state=AGENCY_STATE
        )
    ctx.report.count("agencies", created)
    ctx.report.agency = agency
    return agency


def _loader(ctx: DemoContext) -> User:
    assert ctx.agency is not None
    loader = User.objects.filter(username=LOADER_USERNAME).first()
    ctx.report.count("users", loader is None)
    if loader is None:
        # It never signs in (unusable password); it only names the actor in the history.
        loader = user_create(
            actor=None, username=LOADER_USERNAME, first_name="Demo", last_name="loader"
        )
    role_grant(actor=None, user=loader, role=Role.COORDINATOR, agency=ctx.agency)
    # A fresh instance: role scopes are cached on the user object at first use.
    return User.objects.get(pk=loader.pk)


def _employee_login_row() -> dict[str, str]:
    return next(row for row in read_rows("people.csv") if row["demo_login"] == "employee")


def _logins(ctx: DemoContext) -> dict[str, User]:
    # Hashing is deliberately slow (~0.7 s); hash the one demo password once and check an
    # existing hash at most once, so the load stays fast.
    encoded = make_password(ctx.password)
    checked: dict[str, bool] = {}
    users: dict[str, User] = {}
    person = _employee_login_row()
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            first, last = login.first_name, login.last_name
            if login.username == "employee":
                first, last = person["first_name"], person["last_name"]
            user = user_create(
                actor=None,
                username=login.username,
                first_name=first,
                last_name=last,
                password_hash=encoded,
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            ctx.report.count("users", True)
        else:
            ctx.report.count("users", False)
            if user.password not in checked:
                checked[user.password] = check_password(ctx.password, user.password)
            if not checked[user.password]:
                ctx.report.password_kept.append(login.username)
        role_grant(actor=None, user=user, role=login.role, agency=ctx.agency)
        users[login.username] = user
    return users


def _categories(ctx: DemoContext) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for row in read_rows("categories.csv"):
        category = (
            Category.objects.filter(slug=row["slug"]).first()
            or Category.objects.filter(name__iexact=row["name"]).first()
        )
        created = category is None
        if category is None:
            category = category_create(
                actor=ctx.actor, name=row["name"], description=row["description"]
            )
        ctx.report.count("categories", created)
        categories[row["slug"]] = category
    return categories


def _organisations(ctx: DemoContext) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    for row in read_rows("organisations.csv"):
        organisation = Organisation.objects.filter(
            name__iexact=row["name"], country=row["country"]
        ).first()
        created = organisation is None
        if organisation is None:
            organisation = organisation_create(
                actor=ctx.actor,
                name=row["name"],
                country=row["country"],
                org_type=row["org_type"],
                website=row["website"],
            )
        ctx.report.count("organisations", created)
        organisations[row["key"]] = organisation
    return organisations


def _employees(ctx: DemoContext) -> dict[str, Employee]:
    assert ctx.agency is not None
    employees = {e.serial_number: e for e in Employee.objects.filter(agency=ctx.agency)}
    wanted: dict[str, Employee] = {}
    for row in read_rows("people.csv"):
        employee = employees.get(row["serial_number"])
        created = employee is None
        if employee is None:
            employee = employee_create(
                actor=ctx.actor,
                agency=ctx.agency,
                serial_number=row["serial_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                rank=row["rank"],
                unit=row["unit"],
                employment_type=row["employment_type"],
            )
        ctx.report.count("employees", created)
        wanted[row["serial_number"]] = employee
    return wanted


def _link_employee_login(ctx: DemoContext) -> None:
    """Give the ``employee`` login its own Employee record so "my records" shows trips."""
    user = ctx.logins["employee"]
    employee = ctx.employees[_employee_login_row()["serial_number"]]
    ctx.report.employee_login = employee
    if employee.user_id == user.pk:
        return
    if Employee.objects.filter(user=user).exists() or employee.user_id is not None:
        return  # someone linked them differently on purpose; leave it
    employee_link_user(actor=ctx.actor, employee=employee, user=user)


def _external_people(ctx: DemoContext) -> dict[str, ExternalPerson]:
    assert ctx.agency is not None
    existing = {
        (p.full_name, str(p.country)): p for p in ExternalPerson.objects.filter(agency=ctx.agency)
    }
    people: dict[str, ExternalPerson] = {}
    for row in read_rows("external_people.csv"):
        person = existing.get((row["full_name"], row["country"]))
        created = person is None
        if person is None:
            person = external_person_create(
                actor=ctx.actor,
                agency=ctx.agency,
                full_name=row["full_name"],
                country=row["country"],
                organisation=ctx.organisations[row["organisation"]],
                position=row["position"],
            )
        ctx.report.count("external people", created)
        people[row["key"]] = person
    return people


def recorded_at(row: dict[str, str]) -> dt.datetime | None:
    """``recorded_on`` as noon, local time, that day; ``None`` when not on record."""
    if not row["recorded_on"]:
        return None
    day = dt.date.fromisoformat(row["recorded_on"])
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def not_on_record(row: dict[str, str]) -> list[str]:
    return [step for column, value, step in NOT_ON_RECORD_COLUMNS if row[column] == value]


def _participants(ctx: DemoContext) -> dict[str, list[ParticipantInput]]:
    participants: dict[str, list[ParticipantInput]] = defaultdict(list)
    for row in read_rows("participations.csv"):
        if row["serial_number"]:
            person = ParticipantInput(
                employee_id=ctx.employees[row["serial_number"]].pk,
                role=row["role"],
                rank_at_time=row["rank_at_time"],
                unit_at_time=row["unit_at_time"],
            )
        else:
            person = ParticipantInput(
                external_person_id=ctx.external_people[row["external_person"]].pk,
                role=row["role"],
            )
        participants[row["activity"]].append(person)
    return participants


def _activities(ctx: DemoContext) -> dict[str, Activity]:
    assert ctx.agency is not None
    rows = read_rows("activities.csv")
    sources = {SOURCE.format(key=row["key"]): row["key"] for row in rows}
    found: dict[str, Activity] = {}
    for activity in Activity.objects.filter(
        agency=ctx.agency, origin=Origin.IMPORTED, source__in=list(sources)
    ):
        found[sources[activity.source]] = activity
    # A database loaded before activities carried their source: recognise those rows by
    # title and start date, as that loader did, rather than load them a second time.
    earlier = {
        (a.title, a.start_date.isoformat()): a
        for a in Activity.objects.filter(agency=ctx.agency, origin=Origin.ENTERED, source="")
    }
    for row in rows:
        if row["key"] not in found and (row["title"], row["start_date"]) in earlier:
            found[row["key"]] = earlier[(row["title"], row["start_date"])]
    participants = _participants(ctx)
    for row in rows:
        key = row["key"]
        if key in found:
            ctx.report.count("activities", False)
            continue
        data = ActivityInput(
            title=row["title"],
            direction=row["direction"],
            kind=row["kind"],
            category_id=ctx.categories[row["category"]].pk,
            purpose=row["purpose"],
            justification=row["justification"],
            start_date=dt.date.fromisoformat(row["start_date"]),
            end_date=dt.date.fromisoformat(row["end_date"]),
            topics=split_list(row["topics"]),
            host_organisation_id=ctx.organisations[row["host"]].pk,
            organiser_organisation_id=ctx.organisations[row["organiser"]].pk,
            locations=[
                LocationInput(country=country, city=city)
                for country, _, city in (loc.partition(":") for loc in split_list(row["locations"]))
            ],
            participants=participants[key],
        )
        found[key] = activity_import(
            actor=ctx.actor,
            agency=ctx.agency,
            data=data,
            status=row["status"],
            recorded_at=recorded_at(row),
            source=SOURCE.format(key=key),
            not_on_record=not_on_record(row),
        )
        ctx.report.count("activities", True)
    return found
