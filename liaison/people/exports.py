"""The people app's lists as files (issue 9): employees, external persons and the
organisation registry, each one ``ExportSpec`` read from the rows the list's own selector
gives (``people.selectors``), so a file holds exactly what the page lists.

Registered in ``PeopleConfig.ready`` for the data dictionary (``/data-dictionary/``)."""

from __future__ import annotations

from liaison.core.tabular import BOOLEAN, CODE, DATETIME, INTEGER, TEXT, Column, ExportSpec
from liaison.people.models import EmploymentType, OrganisationType

AGENCY = Column(
    "agency",
    "The agency whose record this is, by its ORI code (FBI Originating Agency Identifier).",
    lambda row: row.agency.ori_code,
)

EMPLOYEES = ExportSpec(
    name="employees",
    title="Employees",
    description="The agency's employees, as the employee list shows them (the same filters).",
    columns=(
        Column("id", "Liaison's record number of the employee.", lambda e: e.pk, INTEGER),
        AGENCY,
        Column(
            "serial_number",
            "The employee's serial number, unique in the agency.",
            lambda e: e.serial_number,
        ),
        Column("last_name", "Family name.", lambda e: e.last_name),
        Column("first_name", "Given name.", lambda e: e.first_name),
        Column(
            "rank", "Rank today (an activity keeps the rank held at the time).", lambda e: e.rank
        ),
        Column("unit", "Unit today, as free text.", lambda e: e.unit),
        Column(
            "employment_type",
            "Sworn officer or civilian staff.",
            lambda e: e.employment_type,
            CODE,
            EmploymentType.choices,
        ),
        Column(
            "active", "Whether the person still works for the agency.", lambda e: e.active, BOOLEAN
        ),
    ),
)

EXTERNAL_PERSONS = ExportSpec(
    name="external_persons",
    title="External persons",
    description=(
        "People outside the department (trainees, instructors, contacts) recorded by the "
        "agency, as the external persons list shows them."
    ),
    columns=(
        Column("id", "Liaison's record number of the person.", lambda p: p.pk, INTEGER),
        AGENCY,
        Column("full_name", "The person's name as recorded.", lambda p: p.full_name),
        Column(
            "organisation_id",
            "Record number of the person's organisation in the registry (empty: none recorded).",
            lambda p: p.organisation_id,
            INTEGER,
        ),
        Column(
            "organisation",
            "Name of the person's organisation (empty: none recorded).",
            lambda p: p.organisation.name if p.organisation_id else "",
        ),
        Column("position", "The person's position or title.", lambda p: p.position),
        Column(
            "country",
            "Nationality or country of service: ISO 3166-1 alpha-2 code (e.g. FR).",
            lambda p: str(p.country),
        ),
    ),
)

ORGANISATIONS = ExportSpec(
    name="organisations",
    title="Organisations",
    description=(
        "The organisation registry shared by every agency (hosts, organisers, trainers), "
        "as the organisations list shows it."
    ),
    columns=(
        Column("id", "Liaison's record number of the organisation.", lambda o: o.pk, INTEGER),
        Column("name", "The organisation's name.", lambda o: o.name),
        Column(
            "country",
            "Where the organisation is based: ISO 3166-1 alpha-2 code (e.g. DE).",
            lambda o: str(o.country),
        ),
        Column(
            "type",
            "What kind of organisation it is.",
            lambda o: o.org_type,
            CODE,
            OrganisationType.choices,
        ),
        Column("website", "Its web address (empty: none recorded).", lambda o: o.website, TEXT),
        Column("notes", "Free-text notes kept with the registry entry.", lambda o: o.notes),
        Column(
            "created_at",
            "When the entry was added to the registry.",
            lambda o: o.created_at,
            DATETIME,
        ),
    ),
)

SPECS = (EMPLOYEES, EXTERNAL_PERSONS, ORGANISATIONS)
