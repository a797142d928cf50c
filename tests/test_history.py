"""Every model keeps history, and every service's write leaves exactly one history row per
record written, attributed to the actor (issue 5, part 1; docs/audit-events.md).

The service table is checked for completeness: a public function with an ``actor``
argument in any ``liaison.*.services`` module must have a case here (or a documented
reason not to), so a new service cannot ship unaudited.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Max
from django.utils import timezone
from simple_history.models import HistoricalChanges

import liaison
from liaison.accounts.models import Agency, ApiToken, RoleGrant, User
from liaison.accounts.services import (
    agency_create,
    api_token_create,
    api_token_revoke,
    api_token_revoke_as_administrator,
    role_grant,
    role_revoke,
    user_create,
    user_deactivate,
)
from liaison.accounts.tests.factories import UserFactory, user_with_role
from liaison.activities.models import Activity, Category
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_import,
    activity_transition,
    activity_update,
    category_create,
    organisation_edit,
    participation_withdraw,
    topic_create,
)
from liaison.activities.tests.factories import CategoryFactory
from liaison.approvals.models import ApprovalStep
from liaison.approvals.services import (
    approval_decide,
    approval_policy_update,
    approval_step_import,
)
from liaison.approvals.tests.helpers import assess_abroad, future
from liaison.funding.models import Contribution, Funder
from liaison.funding.services import (
    ContributionInput,
    FunderInput,
    ScreeningInput,
    SelectionInput,
    anonymous_override_record,
    contribution_correct,
    contribution_create,
    form801_create,
    form801_update,
    funder_create,
    funder_source_add,
    screening_record,
    selection_record,
    semiannual_report_file,
)
from liaison.outcomes.library import SEED_002
from liaison.outcomes.models import Adoption
from liaison.outcomes.services import (
    AdoptionInput,
    adoption_record,
    adoption_transition,
    alignment_review_record,
    follow_up_record,
    nothing_adopted_state,
    nothing_adopted_withdraw,
    policy_create,
    policy_library_load,
    policy_update,
    recommendation_decide,
)
from liaison.outcomes.tests.factories import RecommendationFactory
from liaison.people.models import Employee, Organisation
from liaison.people.services import (
    employee_create,
    employee_link_user,
    employee_update,
    external_person_create,
    external_person_update,
    organisation_create,
    organisation_update,
)
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.records.audit_chain import verify
from liaison.reports.models import Recommendation, ReportAttachment
from liaison.reports.services import (
    POLICY_FIELDS,
    ImportedReport,
    ReportInput,
    attachment_add,
    attachment_remove,
    report_create,
    report_import,
    report_policy_update,
    report_sign,
    report_transition,
    report_update,
)
from liaison.reports.tests.helpers import full_input
from liaison.retention.services import hold_place, hold_release, schedule_set
from liaison.security.models import AdvisoryLevel, CountryRisk
from liaison.security.services import (
    briefing_add,
    country_advisory_add,
    country_risk_import,
    risk_assessment_record,
    risk_assessment_update,
    risk_assessments_reopen_for_itinerary,
)
from liaison.vetting.services import (
    ContactInput,
    TraineeInput,
    VettingInput,
    contact_create,
    contact_update,
    trainee_create,
    vetting_request_create,
    vetting_request_transition,
)

# Concrete models that keep no history, each with the reason.
MODELS_WITHOUT_HISTORY: dict[str, str] = {
    "activities.SummaryCount": "derived figures, recounted from the activities (ADR 0013)",
    "activities.SummaryCell": "derived figures, recounted from the activities (ADR 0013)",
    "records.RestrictedRead": "an append-only log of reads, itself a history: rows are "
    "written once by records.services.log_restricted_read(s) and never changed (ADR 0016)",
    "reports.ReminderSent": "an append-only log of reminders sent, itself a history: rows "
    "are written once by reports.services.reminders_send and never changed (ADR 0017)",
    "accounts.AuthEvent": "the append-only authentication log, itself a history: rows are "
    "written once by accounts.services.auth_event_record and never changed (ADR 0020)",
    "records.AuditLink": "the hash chain over the audit rows, itself the audit trail's "
    "ledger: written once by records.audit_chain.chain_append, never changed (ADR 0023)",
    "records.AuditChainHead": "the chain's last link, a lock and a pointer (ADR 0023)",
    "records.AuditSchema": "the column sets audit rows were hashed over (ADR 0023)",
    "records.DestructionPermit": "an audit row itself (chained, never changed): leave to "
    "destroy one audit row under retention (ADR 0023)",
    "retention.Tombstone": "what is left of a destroyed record, itself the record of a "
    "destruction: written once by retention.services.activity_destroy and never changed "
    "(ADR 0024)",
    "exchange.ExportLine": "a stored rendering of an activity's export line, derived from "
    "the records and kept exact by triggers, not a record (ADR 0031)",
    "accounts.RateLimitWindow": "request counters for the API rate limits, not records: "
    "swept as windows pass (ADR 0020)",
    "accounts.TotpDevice": "an authenticator's secret must not be copied into history "
    "rows; its enrolment and removal are in the authentication log (ADR 0021)",
    "accounts.SecurityKey": "a security key's public key and counter; its registration "
    "and removal are in the authentication log (ADR 0021)",
    "accounts.RecoveryCode": "digests of single-use codes; their issue and use are in the "
    "authentication log (ADR 0021)",
    "accounts.UserSession": "metadata about a live browser session, deleted when it ends; "
    "sign-ins and sign-outs are in the authentication log (ADR 0021)",
}

# Public service functions taking an ``actor`` that are not in CASES, with the reason.
SERVICES_NOT_IN_CASES: dict[str, str] = {
    "accounts.account_unlock": "forgets django-axes' attempt records (no history) and "
    "appends to the authentication log (no history); tested in accounts/tests/test_lockout.py",
    # ADR 0021: MFA and sessions write models without history (their reasons are in
    # MODELS_WITHOUT_HISTORY) and append to the authentication log; tested in
    # liaison/accounts/tests/test_mfa.py, test_sessions.py and tests/test_browser_mfa.py.
    "accounts.mfa_remove": "no history to write (ADR 0021): see above",
    "accounts.recovery_codes_regenerate": "no history to write (ADR 0021): see above",
    "accounts.security_key_register": "no history to write (ADR 0021): see above",
    "accounts.totp_begin": "no history to write (ADR 0021): see above",
    "accounts.totp_confirm": "no history to write (ADR 0021): see above",
    "accounts.user_session_end": "no history to write (ADR 0021): see above",
    "accounts.user_sessions_end_others": "no history to write (ADR 0021): see above",
    "accounts.user_sign_out_everywhere": "no history to write (ADR 0021): see above",
    "retention.retention_apply": "destroys records (their history rows with them) and "
    "leaves tombstones, which keep no history; tested in retention/tests/test_apply.py",
    "retention.activity_destroy": "called by retention_apply alone; the same",
    "activities.activity_import_update": "a corrected file's update of an imported record, "
    "through the same _save_children as activity_update (its case counts the rows); its "
    "`re-imported` history row is asserted in exchange/tests/test_import.py",
    "activities.activity_import_prepare": "checks an imported record and writes nothing "
    "(ADR 0026): activity_import and activity_import_bulk write what it prepared",
    "activities.activity_import_check": "the import's dry run of one record: writes "
    "nothing (ADR 0030); exchange/tests/test_bulk.py proves it answers as the services do",
    "activities.activity_import_bulk": "writes a set of prepared records at once (ADR 0026); "
    "exchange/tests/test_bulk.py asserts it leaves the same history rows (type, actor, "
    "reason) as activity_import, row for row, and an intact audit chain",
    "exchange.import_batch_create": "writes the batch row (one history row, reason "
    "`uploaded`); tested with the other exchange services in exchange/tests/test_import.py",
    "exchange.import_batch_check": "a dry run: every write is rolled back; the batch's status "
    "rows are tested in exchange/tests/test_import.py",
    "exchange.import_batch_run": "the import: its rows go through activity_import, "
    "contribution_create, approval_step_import and report_import (cases here); tested in "
    "exchange/tests/test_import.py",
    "exchange.import_batch_queue": "a status row of the batch; exchange/tests/test_import.py",
    "exchange.import_batch_cancel": "a status row of the batch; exchange/tests/test_import.py",
    "exchange.import_file": "import_batch_create + check + run, for the command line",
    "exchange.run_rows": "the rows of import_batch_check / import_batch_run",
    "approvals.request_moved": "the effect of activity_transition, never called on its own: "
    "its rows are counted in the activity_transition and approval_decide cases",
}


def _history_models() -> list[type[models.Model]]:
    """The history tables that carry an actor (not the topics link snapshots)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("liaison.")
        and issubclass(m, HistoricalChanges)
        and any(f.name == "history_user" for f in m._meta.fields)
    ]


def test_every_model_keeps_history() -> None:
    missing = [
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m.__module__.startswith("liaison.")
        and not issubclass(m, HistoricalChanges)
        and not m._meta.auto_created
        and f"{m._meta.app_label}.{m.__name__}" not in MODELS_WITHOUT_HISTORY
        and not hasattr(m, "history")
    ]
    assert missing == [], "models without a history manager (add HistoricalRecords)"


# --- the world every case starts from --------------------------------------------------


@dataclass
class World:
    clerk: User
    agency: Agency
    superuser: User
    category: Category
    employees: list[Employee]
    organisation: Organisation
    activity: Activity


def _trip(world_category: Category, employees: list[Employee], **overrides: Any) -> ActivityInput:
    values: dict[str, Any] = dict(
        title="Aviation Convention",
        direction="outbound",
        kind="convention",
        category_id=world_category.pk,
        purpose="Learn how partner agencies run air support units.",
        start_date=dt.date(2019, 9, 2),
        end_date=dt.date(2019, 9, 5),
        topics=["air support"],
        locations=[LocationInput("CO", "Bogotá")],
        participants=[ParticipantInput(employee_id=e.pk) for e in employees],
    )
    values.update(overrides)
    return ActivityInput(**values)


@pytest.fixture
def world(clerk: User, agency: Agency) -> World:
    category = CategoryFactory.create(name="Aviation", slug="aviation")
    employees = [EmployeeFactory.create(agency=agency) for _ in range(2)]
    activity = activity_create(
        actor=clerk, agency=agency, data=_trip(category, employees[:1], topics=[])
    )
    superuser = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    # An administrator of every agency (services check roles, not the Django flag).
    RoleGrant.objects.create(user=superuser, role="admin", agency=None)
    return World(
        clerk=clerk,
        agency=agency,
        superuser=superuser,
        category=category,
        employees=employees,
        organisation=OrganisationFactory.create(),
        activity=Activity.objects.get(pk=activity.pk),
    )


# --- one case per service: (actor, the call, the records it must write) ---------------

Written = list[models.Model]
Case = Callable[[World], tuple[User, Callable[[], Written]]]


def _user_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.superuser, lambda: [user_create(actor=w.superuser, username="new", password="x")]


def _user_deactivate(w: World) -> tuple[User, Callable[[], Written]]:
    return w.superuser, lambda: [user_deactivate(actor=w.superuser, user=w.clerk)]


def _role_grant(w: World) -> tuple[User, Callable[[], Written]]:
    return w.superuser, lambda: [
        role_grant(actor=w.superuser, user=w.clerk, role="approver", agency=w.agency)
    ]


def _role_revoke(w: World) -> tuple[User, Callable[[], Written]]:
    grant = RoleGrant.objects.get(user=w.clerk)

    def act() -> Written:
        role_revoke(actor=w.superuser, grant=grant)
        return [grant]

    return w.superuser, act


def _api_token_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [api_token_create(actor=w.clerk, user=w.clerk, name="nightly")[0]]


def _own_token(w: World) -> ApiToken:
    return api_token_create(actor=w.clerk, user=w.clerk, name="nightly")[0]


def _api_token_revoke(w: World) -> tuple[User, Callable[[], Written]]:
    token = _own_token(w)
    return w.clerk, lambda: [api_token_revoke(actor=w.clerk, token_id=token.pk)]


def _api_token_revoke_as_administrator(w: World) -> tuple[User, Callable[[], Written]]:
    token = _own_token(w)
    return w.superuser, lambda: [api_token_revoke_as_administrator(actor=w.superuser, token=token)]


def _employee_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        employee_create(
            actor=w.clerk, agency=w.agency, serial_number="99001", first_name="A", last_name="B"
        )
    ]


def _employee_update(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        employee_update(actor=w.clerk, employee=w.employees[0], rank="Lieutenant")
    ]


def _external_person_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        external_person_create(
            actor=w.clerk, agency=w.agency, full_name="Lior Ben-David", country="IL"
        )
    ]


def _organisation_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        organisation_create(
            actor=w.clerk, name="Colombian National Police", country="CO", org_type="police"
        )
    ]


def _topic_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [topic_create(actor=w.clerk, name="helicopter operations")]


def _activity_create(w: World) -> tuple[User, Callable[[], Written]]:
    def act() -> Written:
        activity = activity_create(
            actor=w.clerk,
            agency=w.agency,
            data=_trip(
                w.category,
                w.employees,
                topics=["air support", "night flying"],
                locations=[LocationInput("CO", "Bogotá"), LocationInput("CO", "Medellín")],
            ),
        )
        return [
            activity,
            *activity.locations.all(),
            *activity.participations.all(),
            *activity.topics.all(),
        ]

    return w.clerk, act


def _activity_update(w: World) -> tuple[User, Callable[[], Written]]:
    def act() -> Written:
        # Title and a new topic change the activity (one row with the new topics), a
        # second location and a second participant are added; the first of each is kept.
        activity = activity_update(
            actor=w.clerk,
            activity=w.activity,
            data=_trip(
                w.category,
                w.employees,
                title="Aviation Convention 2019",
                topics=["night flying"],
                locations=[LocationInput("CO", "Bogotá"), LocationInput("CO", "Cali")],
            ),
        )
        return [
            activity,
            activity.topics.get(),
            activity.locations.get(city="Cali"),
            activity.participations.get(employee=w.employees[1]),
        ]

    return w.clerk, act


def _activity_transition(w: World) -> tuple[User, Callable[[], Written]]:
    # A submission also opens the request's approval record (its security review step).
    def act() -> Written:
        activity = activity_transition(actor=w.clerk, activity=w.activity, name="submit")
        return [activity, ApprovalStep.objects.get(activity=activity)]

    return w.clerk, act


def _participation_withdraw(w: World) -> tuple[User, Callable[[], Written]]:
    participation = w.activity.participations.get()

    def act() -> Written:
        return [participation_withdraw(actor=w.clerk, participation=participation, reason="Ill.")]

    return w.clerk, act


def _approval_decide(w: World) -> tuple[User, Callable[[], Written]]:
    approver = user_with_role("approver", w.agency, "deciding-approver")
    Activity.objects.filter(pk=w.activity.pk).update(
        status="in_approval", start_date=future(), end_date=future(63)
    )
    step = ApprovalStep.objects.create(activity=w.activity, kind="approval", role="approver")
    assess_abroad(w.activity, security=user_with_role("security", w.agency, "assessing-officer"))

    def act() -> Written:
        # The move (one activity row), the decision (one step row); conditions are
        # written on the same step in the same call, so the step has a second row.
        approval_decide(actor=approver, activity=w.activity, decision="approve")
        return [Activity.objects.get(pk=w.activity.pk), step]

    return approver, act


def _approval_policy_update(w: World) -> tuple[User, Callable[[], Written]]:
    def act() -> Written:
        return [
            approval_policy_update(
                actor=w.clerk, agency=w.agency, approver_role="approver",
                higher_command_role="command", cost_threshold="10000",
                advisory_level_threshold=3, countries_list=["IL"],
                foreign_ministry_inbound=True,
            )
        ]  # fmt: skip

    return w.clerk, act


def _approval_step_import(w: World) -> tuple[User, Callable[[], Written]]:
    Activity.objects.filter(pk=w.activity.pk).update(origin="imported", source="Log A001")
    w.activity.refresh_from_db()

    def act() -> Written:
        return [
            approval_step_import(
                actor=w.clerk, activity=w.activity, kind="approval", role="approver",
                state="approved", decided_at=timezone.now() - dt.timedelta(days=400),
                decided_by_name="Avery Stone", source="Approval form, file 2019-14",
            )
        ]  # fmt: skip

    return w.clerk, act


def _category_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [category_create(actor=w.clerk, name="Crowd control")]


def _agency_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.superuser, lambda: [
        agency_create(actor=w.superuser, name="County Sheriff", ori_code="CA0190000", state="CA")
    ]


def _employee_link_user(w: World) -> tuple[User, Callable[[], Written]]:
    login = UserFactory.create(username="pilot")
    return w.clerk, lambda: [employee_link_user(actor=w.clerk, employee=w.employees[1], user=login)]


def _activity_import(w: World) -> tuple[User, Callable[[], Written]]:
    def act() -> Written:
        activity = activity_import(
            actor=w.clerk,
            agency=w.agency,
            data=_trip(w.category, w.employees, topics=["air support"]),
            status="completed",
            recorded_at=None,
            source="Training log 2019, entry 12",
            not_on_record=["approval"],
        )
        return [
            activity,
            *activity.locations.all(),
            *activity.participations.all(),
            *activity.topics.all(),
        ]

    return w.clerk, act


def _organisation_update(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        organisation_update(actor=w.clerk, organisation=w.organisation, website="https://a.example")
    ]


def _external_person_update(w: World) -> tuple[User, Callable[[], Written]]:
    person = external_person_create(actor=w.clerk, agency=w.agency, full_name="A B", country="IL")
    return w.clerk, lambda: [
        external_person_update(actor=w.clerk, person=person, position="Inspector")
    ]


def _organisation_edit(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        organisation_edit(actor=w.clerk, organisation=w.organisation, name="Renamed Police")
    ]


def _security(w: World) -> User:
    return _grant(UserFactory.create(username="security-officer"), "security", w.agency)


def _grant(user: User, role: str, agency: Agency) -> User:
    RoleGrant.objects.create(user=user, role=role, agency=agency)
    return User.objects.get(pk=user.pk)


def _contact(w: World, actor: User, person: Any = None) -> Any:
    person = person or ExternalPersonFactory.create(agency=w.agency, country="CO")
    return contact_create(
        actor=actor,
        activity=w.activity,
        data=ContactInput(
            external_person=person, circumstance="trained_us", met_on=dt.date(2019, 9, 3),
            country="CO",
        ),
    )  # fmt: skip


def _inbound_trainee(w: World, actor: User) -> Any:
    course = activity_create(
        actor=w.clerk,
        agency=w.agency,
        data=_trip(w.category, [], direction="inbound", title="Patrol course"),
    )
    person = ExternalPersonFactory.create(agency=w.agency, country="AE")
    return trainee_create(
        actor=actor, activity=course, data=TraineeInput(external_person=person, language="English")
    )


def _contact_create(w: World) -> tuple[User, Callable[[], Written]]:
    actor = _security(w)
    person = ExternalPersonFactory.create(agency=w.agency, country="CO")
    return actor, lambda: [_contact(w, actor, person)]


def _contact_update(w: World) -> tuple[User, Callable[[], Written]]:
    actor = _security(w)
    contact = _contact(w, actor)
    return actor, lambda: [
        contact_update(actor=actor, contact=contact, reported_on=dt.date(2019, 9, 9))
    ]


def _trainee_create(w: World) -> tuple[User, Callable[[], Written]]:
    actor = _security(w)
    course = activity_create(
        actor=w.clerk,
        agency=w.agency,
        data=_trip(w.category, [], direction="inbound", title="Patrol course"),
    )
    person = ExternalPersonFactory.create(agency=w.agency, country="AE")
    return actor, lambda: [
        trainee_create(actor=actor, activity=course, data=TraineeInput(external_person=person))
    ]


def _vetting_input() -> VettingInput:
    return VettingInput(channel="investc", sent_on=dt.date(2019, 9, 10), source_document="Cable")


def _vetting_request_create(w: World) -> tuple[User, Callable[[], Written]]:
    actor = _security(w)
    trainee = _inbound_trainee(w, actor)
    return actor, lambda: [
        vetting_request_create(actor=actor, subject=trainee, data=_vetting_input())
    ]


def _vetting_request_transition(w: World) -> tuple[User, Callable[[], Written]]:
    actor = _security(w)
    vetting = vetting_request_create(actor=actor, subject=_contact(w, actor), data=_vetting_input())
    return actor, lambda: [
        vetting_request_transition(
            actor=actor, vetting=vetting, name="approve", decided_on=dt.date(2019, 10, 1)
        )
    ]


def _officer(w: World) -> User:
    officer = UserFactory.create(username="okoro")
    RoleGrant.objects.create(user=officer, role="security", agency=w.agency)
    return officer


def _country_risk_import(w: World) -> tuple[User, Callable[[], Written]]:
    officer = _officer(w)
    text = (
        "country,record,level,effective_date,indicators,source\n"
        "CO,advisory,3,2019-01-02,C;T;K,Advisory 2019\n"
        "CO,advisory,3,2023-06-01,C;T;U;K,Advisory 2023\n"
    )

    def act() -> Written:
        country_risk_import(actor=officer, file=text)
        return [CountryRisk.objects.get(), *AdvisoryLevel.objects.all()]

    return officer, act


def _country_advisory_add(w: World) -> tuple[User, Callable[[], Written]]:
    officer = _officer(w)

    def act() -> Written:
        advisory = country_advisory_add(
            actor=officer,
            country="CO",
            level=3,
            effective_date=dt.date(2023, 6, 1),
            source_name="Advisory 2023",
            indicators=["C", "T"],
        )
        return [advisory, advisory.country_risk]

    return officer, act


def _assessed(w: World) -> tuple[User, Any]:
    officer = _officer(w)
    location = w.activity.locations.get()
    return officer, risk_assessment_record(actor=officer, location=location, decision="proceed")


def _risk_assessment_record(w: World) -> tuple[User, Callable[[], Written]]:
    officer = _officer(w)
    location = w.activity.locations.get()
    return officer, lambda: [
        risk_assessment_record(
            actor=officer, location=location, decision="proceed", concerns="Street crime."
        )
    ]


def _risk_assessment_update(w: World) -> tuple[User, Callable[[], Written]]:
    officer, assessment = _assessed(w)
    return officer, lambda: [
        risk_assessment_update(actor=officer, assessment=assessment, mitigations="Pairs.")
    ]


def _briefing_add(w: World) -> tuple[User, Callable[[], Written]]:
    officer, assessment = _assessed(w)
    return officer, lambda: [
        briefing_add(
            actor=officer,
            assessment=assessment,
            kind="defensive_security",
            given_on=dt.date(2019, 8, 20),
            given_by="Security Unit",
        )
    ]


def _risk_assessments_reopen_for_itinerary(w: World) -> tuple[User, Callable[[], Written]]:
    _assessed(w)

    def act() -> Written:
        return [
            *risk_assessments_reopen_for_itinerary(
                actor=w.clerk, activity=w.activity, changes=["added Cali, CO"]
            )
        ]

    return w.clerk, act


# --- evaluation reports (ADR 0017) ------------------------------------------------------


def _trip_with_author(w: World) -> tuple[User, Activity, Any]:
    """A trip that went ahead and ended, and its participant, who can sign in."""
    from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory

    author = user_with_role("employee", w.agency, "author")
    employee = EmployeeFactory.create(agency=w.agency, user=author)
    trip = ActivityFactory.create(agency=w.agency, status="completed")
    participation = ParticipationFactory.create(activity=trip, employee=employee)
    return author, trip, participation


def _started(w: World) -> tuple[User, Any]:
    author, trip, participation = _trip_with_author(w)
    return author, report_create(actor=author, activity=trip, participations=[participation])


def _report_policy_update(w: World) -> tuple[User, Callable[[], Written]]:
    values = {name: 1 for name in POLICY_FIELDS} | {"due_days": 45}
    return w.clerk, lambda: [report_policy_update(actor=w.clerk, agency=w.agency, **values)]


def _report_create(w: World) -> tuple[User, Callable[[], Written]]:
    author, trip, participation = _trip_with_author(w)

    def act() -> Written:
        report = report_create(actor=author, activity=trip, participations=[participation])
        return [report, *report.authors.all()]

    return author, act


def _report_update(w: World) -> tuple[User, Callable[[], Written]]:
    author, report = _started(w)

    def act() -> Written:
        report_update(
            actor=author, report=report,
            data=ReportInput(key_takeaways="Dialogue first.", recommendations=["Liaison teams."]),
        )  # fmt: skip
        return [report, *report.recommendations.all()]

    return author, act


def _report_sign(w: World) -> tuple[User, Callable[[], Written]]:
    author, report = _started(w)
    return author, lambda: [report_sign(actor=author, report=report)]


def _report_transition(w: World) -> tuple[User, Callable[[], Written]]:
    author, report = _started(w)
    report_update(actor=author, report=report, data=full_input())

    def act() -> Written:
        report_transition(actor=author, report=report, name="submit")
        return [report, *report.authors.all()]

    return author, act


def _with_media(act: Callable[[], Written]) -> Callable[[], Written]:
    import tempfile

    from django.test import override_settings

    def wrapped() -> Written:
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp()):
            return act()

    return wrapped


def _attachment_add(w: World) -> tuple[User, Callable[[], Written]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    author, report = _started(w)
    upload = SimpleUploadedFile("handout.pdf", b"%PDF-1.4 handout")
    return author, _with_media(lambda: [attachment_add(actor=author, report=report, upload=upload)])


def _attachment_remove(w: World) -> tuple[User, Callable[[], Written]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    author, report = _started(w)

    def setup_and_remove() -> Written:
        upload = SimpleUploadedFile("handout.pdf", b"%PDF-1.4 handout")
        attachment = attachment_add(actor=author, report=report, upload=upload)
        return [attachment]

    # The attachment is added before the case's snapshot (in the case itself), then removed.
    added = _with_media(setup_and_remove)()[0]
    assert isinstance(added, ReportAttachment)

    def act() -> Written:
        pk = added.pk
        attachment_remove(actor=author, attachment=added)
        added.pk = pk  # the deleted row's id, as its history row names it
        return [added]

    return author, act


def _report_import(w: World) -> tuple[User, Callable[[], Written]]:
    _, trip, participation = _trip_with_author(w)

    def act() -> Written:
        report = report_import(
            actor=w.clerk, activity=trip,
            data=ImportedReport(
                participations=[participation],
                content=ReportInput(key_takeaways="Very informative.",
                                    recommendations=["Send more officers."]),
            ),
        )  # fmt: skip
        return [report, *report.authors.all(), *report.recommendations.all()]

    return w.clerk, act


# --- funding (ADR 0019) -------------------------------------------------------------------


def _funder(w: World, **overrides: Any) -> Funder:
    values: dict[str, Any] = dict(name="Metro City Police Foundation",
                                  funder_type="police_foundation")  # fmt: skip
    values.update(overrides)
    return funder_create(actor=w.clerk, agency=w.agency, data=FunderInput(**values))


def _contribution(w: World, funder: Funder) -> Contribution:
    return contribution_create(
        actor=w.clerk, activity=w.activity,
        data=ContributionInput(funder=funder, paid_for="lodging", amount="1800.00"),
    )  # fmt: skip


def _funder_create(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [_funder(w)]


def _funder_source_add(w: World) -> tuple[User, Callable[[], Written]]:
    foundation = _funder(w, pass_through=True)
    donor = _funder(w, name="Skyline Rotorcraft Inc.", funder_type="company")
    return w.clerk, lambda: [funder_source_add(actor=w.clerk, funder=foundation, source=donor)]


def _contribution_create(w: World) -> tuple[User, Callable[[], Written]]:
    funder = _funder(w)
    return w.clerk, lambda: [_contribution(w, funder)]


def _contribution_correct(w: World) -> tuple[User, Callable[[], Written]]:
    contribution = _contribution(w, _funder(w))
    data = ContributionInput(funder=contribution.funder, paid_for="lodging", amount="1750.00")
    return w.clerk, lambda: [
        contribution_correct(actor=w.clerk, contribution=contribution, data=data,
                             reason="The receipt says 1,750.")
    ]  # fmt: skip


def _screening_record(w: World) -> tuple[User, Callable[[], Written]]:
    funder = _funder(w)
    _contribution(w, funder)
    deputy = user_with_role("command", w.agency, "deputy")
    return deputy, lambda: [
        screening_record(actor=deputy, activity=w.activity,
                         data=ScreeningInput(funder=funder, determination="no_conflict"))
    ]  # fmt: skip


def _selection_record(w: World) -> tuple[User, Callable[[], Written]]:
    participation = w.activity.participations.get()
    return w.clerk, lambda: [
        selection_record(actor=w.clerk, participation=participation,
                         data=SelectionInput(selected_by="agency", selector_name="Capt. Ortiz"))
    ]  # fmt: skip


def _anonymous_override_record(w: World) -> tuple[User, Callable[[], Written]]:
    _contribution(w, _funder(w, name="Undisclosed donor", funder_type="anonymous"))
    deputy = user_with_role("command", w.agency, "deputy")
    return deputy, lambda: [
        anonymous_override_record(actor=deputy, activity=w.activity, reason="Open course.")
    ]


def _form801_create(w: World) -> tuple[User, Callable[[], Written]]:
    contribution = _contribution(w, _funder(w))
    return w.clerk, lambda: [
        form801_create(actor=w.clerk, contribution=contribution, official_use="Training.")
    ]


def _form801_update(w: World) -> tuple[User, Callable[[], Written]]:
    form = form801_create(actor=w.clerk, contribution=_contribution(w, _funder(w)),
                          official_use="Training.")  # fmt: skip
    return w.clerk, lambda: [
        form801_update(actor=w.clerk, form=form, verified_by_name="Chief Okafor",
                       verified_on=dt.date(2019, 10, 1))
    ]  # fmt: skip


def _semiannual_report_file(w: World) -> tuple[User, Callable[[], Written]]:
    _contribution(w, _funder(w))
    return w.clerk, lambda: [
        semiannual_report_file(actor=w.clerk, agency=w.agency, period_start=dt.date(2019, 4, 1),
                               filed_on=dt.date(2019, 11, 20))
    ]  # fmt: skip


# --- outcomes (ADR 0018) ----------------------------------------------------------------


def _policy_reviewer(w: World) -> User:
    reviewer = UserFactory.create(username="nair")
    RoleGrant.objects.create(user=reviewer, role="reviewer", agency=w.agency)
    return reviewer


def _recommendation(w: World) -> Recommendation:
    return RecommendationFactory.create(report__activity=w.activity)


def _adopted(w: World) -> Adoption:
    rec = _recommendation(w)
    recommendation_decide(actor=w.clerk, recommendation=rec, name="adopt", reason="Useful.")
    return adoption_record(
        actor=w.clerk,
        recommendation=rec,
        data=AdoptionInput(
            kind="tactic", what_changed="Dialogue teams.", effective_on=dt.date(2024, 3, 1)
        ),
    )


def _recommendation_decide(w: World) -> tuple[User, Callable[[], Written]]:
    rec = _recommendation(w)
    return w.clerk, lambda: [
        recommendation_decide(actor=w.clerk, recommendation=rec, name="defer", reason="Budget.")
    ]


def _adoption_record(w: World) -> tuple[User, Callable[[], Written]]:
    rec = _recommendation(w)
    recommendation_decide(actor=w.clerk, recommendation=rec, name="adopt", reason="Useful.")
    data = AdoptionInput(kind="equipment", what_changed="Radios.", effective_on=dt.date(2024, 3, 1))
    return w.clerk, lambda: [adoption_record(actor=w.clerk, recommendation=rec, data=data)]


def _follow_up_record(w: World) -> tuple[User, Callable[[], Written]]:
    adoption = _adopted(w)
    return w.clerk, lambda: [follow_up_record(actor=w.clerk, adoption=adoption, note="Rolled out.")]


def _adoption_transition(w: World) -> tuple[User, Callable[[], Written]]:
    adoption = _adopted(w)
    return w.clerk, lambda: [
        adoption_transition(actor=w.clerk, adoption=adoption, name="close", reason="Standard now.")
    ]


def _nothing_adopted_state(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        nothing_adopted_state(actor=w.clerk, activity=w.activity, statement="Not applicable here.")
    ]


def _nothing_adopted_withdraw(w: World) -> tuple[User, Callable[[], Written]]:
    record = nothing_adopted_state(actor=w.clerk, activity=w.activity, statement="Not applicable.")
    return w.clerk, lambda: [
        nothing_adopted_withdraw(actor=w.clerk, statement=record, reason="Reconsidered.")
    ]


def _alignment_review_record(w: World) -> tuple[User, Callable[[], Written]]:
    adoption = _adopted(w)
    reviewer = _policy_reviewer(w)
    policy = policy_create(actor=reviewer, agency=w.agency, identifier="130.25", title="Reverence")
    return reviewer, lambda: [
        alignment_review_record(actor=reviewer, adoption=adoption, policy=policy,
                                verdict="aligned", rationale="Protects life first.")
    ]  # fmt: skip


def _policy_create(w: World) -> tuple[User, Callable[[], Written]]:
    reviewer = _policy_reviewer(w)
    return reviewer, lambda: [
        policy_create(actor=reviewer, agency=w.agency, identifier="105", title="Mission")
    ]


def _policy_update(w: World) -> tuple[User, Callable[[], Written]]:
    reviewer = _policy_reviewer(w)
    policy = policy_create(actor=reviewer, agency=w.agency, identifier="105", title="Mission")
    return reviewer, lambda: [policy_update(actor=reviewer, policy=policy, summary="To protect.")]


def _policy_library_load(w: World) -> tuple[User, Callable[[], Written]]:
    reviewer = _policy_reviewer(w)
    return reviewer, lambda: [
        *policy_library_load(actor=reviewer, agency=w.agency, entries=SEED_002).created
    ]


def _schedule_set(w: World) -> tuple[User, Callable[[], Written]]:
    return w.clerk, lambda: [
        schedule_set(actor=w.clerk, agency=w.agency, record_type="activity", years=5,
                     authority="City GRS 2.1")
    ]  # fmt: skip


def _overseer(w: World) -> User:
    return user_with_role("overseer", w.agency, "ig")


def _hold_place(w: World) -> tuple[User, Callable[[], Written]]:
    ig = _overseer(w)
    return ig, lambda: [
        hold_place(actor=ig, agency=w.agency, scope="activity", activity_id=w.activity.pk,
                   reason="IG review")
    ]  # fmt: skip


def _hold_release(w: World) -> tuple[User, Callable[[], Written]]:
    ig = _overseer(w)
    hold = hold_place(actor=ig, agency=w.agency, scope="agency", reason="IG review")
    return ig, lambda: [hold_release(actor=ig, hold=hold, reason="Review closed")]


CASES: dict[str, Case] = {
    "retention.schedule_set": _schedule_set,
    "retention.hold_place": _hold_place,
    "retention.hold_release": _hold_release,
    "reports.report_policy_update": _report_policy_update,
    "reports.report_create": _report_create,
    "reports.report_update": _report_update,
    "reports.report_sign": _report_sign,
    "reports.report_transition": _report_transition,
    "reports.attachment_add": _attachment_add,
    "reports.attachment_remove": _attachment_remove,
    "reports.report_import": _report_import,
    "funding.funder_create": _funder_create,
    "funding.funder_source_add": _funder_source_add,
    "funding.contribution_create": _contribution_create,
    "funding.contribution_correct": _contribution_correct,
    "funding.screening_record": _screening_record,
    "funding.selection_record": _selection_record,
    "funding.anonymous_override_record": _anonymous_override_record,
    "funding.form801_create": _form801_create,
    "funding.form801_update": _form801_update,
    "funding.semiannual_report_file": _semiannual_report_file,
    "outcomes.recommendation_decide": _recommendation_decide,
    "outcomes.adoption_record": _adoption_record,
    "outcomes.follow_up_record": _follow_up_record,
    "outcomes.adoption_transition": _adoption_transition,
    "outcomes.nothing_adopted_state": _nothing_adopted_state,
    "outcomes.nothing_adopted_withdraw": _nothing_adopted_withdraw,
    "outcomes.alignment_review_record": _alignment_review_record,
    "outcomes.policy_create": _policy_create,
    "outcomes.policy_update": _policy_update,
    "outcomes.policy_library_load": _policy_library_load,
    "vetting.contact_create": _contact_create,
    "vetting.contact_update": _contact_update,
    "vetting.trainee_create": _trainee_create,
    "vetting.vetting_request_create": _vetting_request_create,
    "vetting.vetting_request_transition": _vetting_request_transition,
    "security.country_risk_import": _country_risk_import,
    "security.country_advisory_add": _country_advisory_add,
    "security.risk_assessment_record": _risk_assessment_record,
    "security.risk_assessment_update": _risk_assessment_update,
    "security.briefing_add": _briefing_add,
    "security.risk_assessments_reopen_for_itinerary": _risk_assessments_reopen_for_itinerary,
    "activities.organisation_edit": _organisation_edit,
    "people.organisation_update": _organisation_update,
    "people.external_person_update": _external_person_update,
    "accounts.agency_create": _agency_create,
    "people.employee_link_user": _employee_link_user,
    "activities.activity_import": _activity_import,
    "accounts.user_create": _user_create,
    "accounts.user_deactivate": _user_deactivate,
    "accounts.role_grant": _role_grant,
    "accounts.role_revoke": _role_revoke,
    "accounts.api_token_create": _api_token_create,
    "accounts.api_token_revoke": _api_token_revoke,
    "accounts.api_token_revoke_as_administrator": _api_token_revoke_as_administrator,
    "people.employee_create": _employee_create,
    "people.employee_update": _employee_update,
    "people.external_person_create": _external_person_create,
    "people.organisation_create": _organisation_create,
    "activities.topic_create": _topic_create,
    "activities.activity_create": _activity_create,
    "activities.activity_update": _activity_update,
    "activities.activity_transition": _activity_transition,
    "activities.category_create": _category_create,
    "activities.participation_withdraw": _participation_withdraw,
    "approvals.approval_decide": _approval_decide,
    "approvals.approval_policy_update": _approval_policy_update,
    "approvals.approval_step_import": _approval_step_import,
}


def _latest_ids() -> dict[type[models.Model], int]:
    return {
        m: m._default_manager.aggregate(n=Max("history_id"))["n"] or 0 for m in _history_models()
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_service_write_leaves_one_history_row_per_record_attributed_to_the_actor(
    world: World, name: str
) -> None:
    actor, act = CASES[name](world)
    before = _latest_ids()
    written = act()
    rows: list[Any] = [
        row
        for model, last in before.items()
        for row in model._default_manager.filter(history_id__gt=last)
    ]
    assert written, "the case must name what it writes"
    per_record = Counter((row.instance_type, row.id) for row in rows)
    expected = {(type(obj), obj.pk) for obj in written}
    # Every record the service wrote has exactly one row, and nothing else was written.
    assert dict(per_record) == {key: 1 for key in expected}
    assert {row.history_user_id for row in rows} == {actor.pk}
    # ... and every row is chained into the tamper-evident trail, which stays intact.
    trail = verify()
    assert trail.intact, trail.first and trail.first.sentence()


def _public_services() -> list[str]:
    found = []
    for module_info in pkgutil.iter_modules(liaison.__path__):
        if not module_info.ispkg:
            continue  # settings, urls, wsgi (which refuses to load with the test key)
        try:
            module = importlib.import_module(f"liaison.{module_info.name}.services")
        except ModuleNotFoundError:
            continue
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if fname.startswith("_") or func.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(func).parameters:
                found.append(f"{module_info.name}.{fname}")
    return sorted(found)


def test_every_service_that_takes_an_actor_has_a_case() -> None:
    services = _public_services()
    assert "activities.activity_create" in services  # the discovery works
    missing = sorted(set(services) - set(CASES) - set(SERVICES_NOT_IN_CASES))
    assert missing == [], "add a case to CASES (or a documented reason) for each"
    assert sorted(set(CASES) - set(services)) == []
