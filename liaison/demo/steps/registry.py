"""Load the demo department from the CSVs beside this file, through the services.

Everything goes through ``activity_create``, ``employee_create``, ``organisation_create``,
``category_create`` and friends with a named actor, so the demo has the same history rows
and validation as real data. The load is one transaction and idempotent: each record has
a stable key (agency ORI, username, category name, organisation name + country, serial
number, external person name + country, activity title + start date) and anything that
already exists is left alone.

Funding, evaluation and records-retention columns of ``activities.csv`` are not loaded
yet: no model holds them. The capabilities that add those models load them from here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from liaison.accounts.models import Agency, Role, User
from liaison.accounts.services import role_grant
from liaison.activities.models import Activity, Category
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    category_create,
)
from liaison.core.audit import save_audited
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.services import employee_create, external_person_create, organisation_create

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
AGENCY_NAME = "Metro City Police Department"
AGENCY_ORI = "CA0199900"
AGENCY_STATE = "CA"
DEFAULT_PASSWORD = "liaison-demo-2026"  # noqa: S105 — a published demo password, on purpose
# The system user the records are attributed to in the history ("who loaded this?").
LOADER_USERNAME = "demo-loader"


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
    DemoLogin("coordinator", Role.COORDINATOR, "Denise", "Whitfield"),
    DemoLogin("security", Role.SECURITY, "Martin", "Okoro"),
    DemoLogin("reviewer", Role.REVIEWER, "Helen", "Marchetti"),
    DemoLogin("inspector", Role.OVERSEER, "Gloria", "Ambrose"),
    DemoLogin("admin", Role.ADMIN, "Sam", "Ortega", superuser=True),
)


@dataclass
class LoadReport:
    """What one run did, for the command to print and the tests to read."""

    agency: Agency | None = None
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    # Existing demo logins whose password is not the one given (they keep theirs).
    password_kept: list[str] = field(default_factory=list)
    employee_login: Employee | None = None

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD) -> LoadReport:
    """Create (or complete) the demo department, its logins and its 117 activities."""
    report = LoadReport()
    agency = _agency(report)
    loader = _loader(agency, report)
    logins = _logins(agency, loader, password, report)
    categories = _categories(loader, report)
    organisations = _organisations(loader, report)
    employees = _employees(agency, loader, report)
    _link_employee_login(logins["employee"], employees, loader, report)
    externals = _external_people(agency, loader, organisations, report)
    _activities(agency, loader, categories, organisations, employees, externals, report)
    return report


def _agency(report: LoadReport) -> Agency:
    # No agency service exists yet (agencies are set up by a deployer); validate anyway.
    agency = Agency.objects.filter(ori_code=AGENCY_ORI).first()
    if agency is None:
        agency = Agency(name=AGENCY_NAME, ori_code=AGENCY_ORI, state=AGENCY_STATE)
        agency.full_clean()
        agency.save()
        report.count("agencies", True)
    else:
        report.count("agencies", False)
    report.agency = agency
    return agency


def _loader(agency: Agency, report: LoadReport) -> User:
    loader = User.objects.filter(username=LOADER_USERNAME).first()
    if loader is None:
        # It never signs in (unusable password); it only names the actor in the history.
        loader = User(username=LOADER_USERNAME, first_name="Demo", last_name="loader")
        loader.set_unusable_password()
        loader.save()
        report.count("users", True)
    role_grant(actor=loader, user=loader, role=Role.COORDINATOR, agency=agency)
    # A fresh instance: role scopes are cached on the user object at first use.
    return User.objects.get(pk=loader.pk)


def _logins(agency: Agency, loader: User, password: str, report: LoadReport) -> dict[str, User]:
    # Hashing is deliberately slow (~0.7 s); hash the one demo password once and check an
    # existing hash at most once, so the load stays fast.
    encoded = make_password(password)
    checked: dict[str, bool] = {}
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                first_name=login.first_name,
                last_name=login.last_name,
                is_staff=login.superuser,
                is_superuser=login.superuser,
                password=encoded,
            )
            user.save()
            report.count("users", True)
        else:
            report.count("users", False)
            if user.password not in checked:
                checked[user.password] = check_password(password, user.password)
            if not checked[user.password]:
                report.password_kept.append(login.username)
        role_grant(actor=loader, user=user, role=login.role, agency=agency)
        users[login.username] = user
    return users


def _categories(loader: User, report: LoadReport) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for row in read_rows("categories.csv"):
        category = (
            Category.objects.filter(slug=row["slug"]).first()
            or Category.objects.filter(name__iexact=row["name"]).first()
        )
        created = category is None
        if category is None:
            category = category_create(
                actor=loader, name=row["name"], description=row["description"]
            )
        report.count("categories", created)
        categories[row["slug"]] = category
    return categories


def _organisations(loader: User, report: LoadReport) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    for row in read_rows("organisations.csv"):
        organisation = Organisation.objects.filter(
            name__iexact=row["name"], country=row["country"]
        ).first()
        created = organisation is None
        if organisation is None:
            organisation = organisation_create(
                actor=loader,
                name=row["name"],
                country=row["country"],
                org_type=row["org_type"],
                website=row["website"],
            )
        report.count("organisations", created)
        organisations[row["key"]] = organisation
    return organisations


def _employees(agency: Agency, loader: User, report: LoadReport) -> dict[str, Employee]:
    employees = {e.serial_number: e for e in Employee.objects.filter(agency=agency)}
    wanted: dict[str, Employee] = {}
    for row in read_rows("people.csv"):
        employee = employees.get(row["serial_number"])
        created = employee is None
        if employee is None:
            employee = employee_create(
                actor=loader,
                agency=agency,
                serial_number=row["serial_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                rank=row["rank"],
                unit=row["unit"],
                employment_type=row["employment_type"],
            )
        report.count("employees", created)
        wanted[row["serial_number"]] = employee
    return wanted


def _link_employee_login(
    user: User, employees: dict[str, Employee], loader: User, report: LoadReport
) -> None:
    """Give the ``employee`` login its own Employee record so "my records" shows trips.

    people.services has no "link a login to an employee" service yet, so this is an
    audited save of the one field (reported to the lead as a missing service)."""
    serial = next(
        row["serial_number"] for row in read_rows("people.csv") if row["demo_login"] == "employee"
    )
    employee = employees[serial]
    report.employee_login = employee
    if employee.user_id == user.pk:
        return
    if Employee.objects.filter(user=user).exists() or employee.user_id is not None:
        return  # someone linked them differently on purpose; leave it
    employee.user = user
    save_audited(employee, actor=loader, reason="demo: linked the employee login")
    if not user.first_name:
        user.first_name, user.last_name = employee.first_name, employee.last_name
        user.save(update_fields=["first_name", "last_name"])


def _external_people(
    agency: Agency, loader: User, organisations: dict[str, Organisation], report: LoadReport
) -> dict[str, ExternalPerson]:
    existing = {
        (p.full_name, str(p.country)): p for p in ExternalPerson.objects.filter(agency=agency)
    }
    people: dict[str, ExternalPerson] = {}
    for row in read_rows("external_people.csv"):
        person = existing.get((row["full_name"], row["country"]))
        created = person is None
        if person is None:
            person = external_person_create(
                actor=loader,
                agency=agency,
                full_name=row["full_name"],
                country=row["country"],
                organisation=organisations[row["organisation"]],
                position=row["position"],
            )
        report.count("external people", created)
        people[row["key"]] = person
    return people


def _activities(
    agency: Agency,
    loader: User,
    categories: dict[str, Category],
    organisations: dict[str, Organisation],
    employees: dict[str, Employee],
    externals: dict[str, ExternalPerson],
    report: LoadReport,
) -> None:
    existing = set(Activity.objects.filter(agency=agency).values_list("title", "start_date"))
    participants: dict[str, list[ParticipantInput]] = defaultdict(list)
    for row in read_rows("participations.csv"):
        if row["serial_number"]:
            participants[row["activity"]].append(
                ParticipantInput(employee_id=employees[row["serial_number"]].pk, role=row["role"])
            )
        else:
            participants[row["activity"]].append(
                ParticipantInput(
                    external_person_id=externals[row["external_person"]].pk, role=row["role"]
                )
            )
    for row in read_rows("activities.csv"):
        start = dt.date.fromisoformat(row["start_date"])
        if (row["title"], start) in existing:
            report.count("activities", False)
            continue
        data = ActivityInput(
            title=row["title"],
            direction=row["direction"],
            kind=row["kind"],
            category_id=categories[row["category"]].pk,
            purpose=row["purpose"],
            justification=row["justification"],
            start_date=start,
            end_date=dt.date.fromisoformat(row["end_date"]),
            topics=split_list(row["topics"]),
            host_organisation_id=organisations[row["host"]].pk,
            organiser_organisation_id=organisations[row["organiser"]].pk,
            locations=[
                LocationInput(country=country, city=city)
                for country, _, city in (loc.partition(":") for loc in split_list(row["locations"]))
            ],
            participants=participants[row["key"]],
        )
        activity_create(actor=loader, agency=agency, data=data, status=row["status"])
        report.count("activities", True)
