"""A small department and files in the exchange format, for the exchange's tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.tests.factories import CategoryFactory
from liaison.exchange.spec import ACTIVITIES
from liaison.people.tests.factories import EmployeeFactory, OrganisationFactory

# A legacy row as a coordinator would type it: every part of the format used once.
GOOD: dict[str, str] = {
    "source_system": "Training unit log (Excel)",
    "source_id": "T-1",
    "title": "Human Trafficking Investigations Course",
    "direction": "outbound",
    "kind": "course",
    "category": "human-trafficking",
    "topics": "Victim interviews; Financial tracing",
    "purpose": "Learn how Canadian investigators follow trafficking money.",
    "justification": "",
    "start_date": "2016-05-02",
    "end_date": "2016-05-06",
    "estimated_cost": "1250.00",
    "status": "completed",
    "host_organisation": "Toronto Police Service (CA)",
    "organiser_organisation": "",
    "locations": "CA:Toronto",
    "participants": "1001 | Ana Lopez | Sergeant | Vice Division | Metro Police Department | "
    "attendee; 1002 | Ben Kim | Officer | Training Division | Metro Police Department | "
    "instructor",
    "funding": "Police Foundation | police_foundation | lodging | 800.00 | USD |  |  | "
    "2016-04-01 |  |  |  | 1001",
    "approvals": "approval | approver | approved | 2016-04-10T12:00:00+00:00 | Cmdr Smith | "
    "Commander",
    "reports": "acknowledged | 2016-06-01 | 1001",
    "recorded_at": "2016-04-01T09:00:00+00:00",
    "not_on_record": "travel_records",
}


def row(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


def csv_bytes(rows: list[dict[str, str]], headers: tuple[str, ...] = ACTIVITIES.headers) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(headers), lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({h: r.get(h, "") for h in headers})
    return out.getvalue().encode()


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(ACTIVITIES.headers))
    for r in rows:
        sheet.append([r.get(h, "") for h in ACTIVITIES.headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Dept:
    agency: Agency
    clerk: User  # a coordinator: imports


def department(
    name: str = "Metro Police Department", ori: str = "CA0194200", *, login: str = "clerk"
) -> Dept:
    """An agency with the people, category and host the good row names."""
    agency = Agency.objects.filter(ori_code=ori).first() or AgencyFactory.create(
        name=name, ori_code=ori
    )
    clerk = user_with_role("coordinator", agency, login)
    CategoryFactory.create(name="Human trafficking", slug="human-trafficking")
    EmployeeFactory.create(agency=agency, serial_number="1001", first_name="Ana",
                           last_name="Lopez", rank="Lieutenant", unit="Homicide")  # fmt: skip
    EmployeeFactory.create(agency=agency, serial_number="1002", first_name="Ben",
                           last_name="Kim")  # fmt: skip
    # Two people of one name: a name alone cannot say which.
    EmployeeFactory.create(agency=agency, serial_number="1003", first_name="Chris",
                           last_name="Park")  # fmt: skip
    EmployeeFactory.create(agency=agency, serial_number="1004", first_name="Chris",
                           last_name="Park")  # fmt: skip
    from liaison.people.models import Organisation

    if not Organisation.objects.filter(name="Toronto Police Service").exists():
        OrganisationFactory.create(name="Toronto Police Service", country="CA")
    return Dept(agency=agency, clerk=clerk)


def counts() -> dict[str, int]:
    """Rows of every table an import writes to (and their history)."""
    from liaison.activities.models import Activity, Location, Participation, Topic
    from liaison.approvals.models import ApprovalStep
    from liaison.exchange.models import ImportedRecord
    from liaison.funding.models import Contribution, Funder
    from liaison.reports.models import EvaluationReport

    models: list[Any] = [Activity, Location, Participation, Topic, ApprovalStep, Contribution,
                         Funder, EvaluationReport, ImportedRecord]  # fmt: skip
    result = {m.__name__: m.objects.count() for m in models}
    result["Activity history"] = Activity.history.count()
    return result
