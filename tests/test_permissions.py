"""The role × action table of docs/permissions.md, run against both doors.

Every action is tried by every persona twice — through its page and through its API
endpoint — and both doors must give the same answer: allowed, forbidden (403), refused by
a workflow guard (409, or a message on the page), or "no such record" (404, for records of
another agency or beyond an employee's own). A write counts as allowed only when the
database shows its effect; a status code alone proves nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.models import Activity, Participation
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.approvals.models import ApprovalPolicy, ApprovalStep
from liaison.approvals.tests.helpers import make_upcoming
from liaison.funding.models import (
    AnonymousOverride,
    ConflictScreening,
    Contribution,
    Form801,
    Funder,
)
from liaison.funding.tests.factories import ContributionFactory, FunderFactory
from liaison.outcomes.models import (
    Adoption,
    AlignmentReview,
    Decision,
    FollowUp,
    NothingAdopted,
    Policy,
)
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    PolicyFactory,
    RecommendationFactory,
)
from liaison.people.models import Employee
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.records.services import log_restricted_read
from liaison.reports.models import (
    EvaluationReport,
    Recommendation,
    ReportAuthor,
    ReportPolicy,
    ReportReview,
)
from liaison.reports.tests.factories import ReportFactory
from liaison.reports.workflow import CHECKLIST_KEYS
from liaison.retention.models import LegalHold, RetentionSchedule, Tombstone
from liaison.retention.services import hold_place
from liaison.security.models import AdvisoryLevel, Briefing, CountryRisk, RiskAssessment
from liaison.security.tests.factories import advisory, done_assessment
from liaison.vetting.models import Contact, VettingRequest
from liaison.vetting.tests.factories import ContactFactory, VettingFactory
from tests.forms_helper import form_values

PERSONAS = [
    "employee",
    "approver",
    "coordinator",
    "security",
    "reviewer",
    "overseer",
    "admin",
    "outsider",
]

ALLOWED, FORBIDDEN, MISSING, REFUSED = "allowed", "forbidden", "missing", "refused"
# A list or export that answers, but with none of the agency's records (another agency's
# coordinator exporting their own agency's, empty, list).
NONE_OF_OURS = "none of ours"
SECRET_CONCERN = "Pickpocketing gangs target visitors near the station."
RISK_CSV = (
    "country,record,level,effective_date,indicators,source\n"
    "FR,advisory,2,2023-06-27,T;U,U.S. Department of State travel advisory 27 June 2023\n"
)


@dataclass
class World:
    agency: Agency
    users: dict[str, User]
    me: Employee  # the employee persona's own record
    draft: Activity  # created by the employee persona, who also attends it
    submitted: Activity
    colleague: Employee
    colleagues_request: Activity  # a colleague's request the employee persona takes part in
    unassessed: Activity  # submitted, to Israel, with no risk assessment yet
    assessment: RiskAssessment  # the done assessment of ``submitted``'s location abroad
    in_approval: Activity  # cleared by security, waiting for the approver's step


@pytest.fixture
def world(db: None) -> World:
    agency = AgencyFactory.create(name="Metro Police Department", ori_code="CA0194200")
    other = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    users = {role: user_with_role(role, agency, role) for role in PERSONAS[:-1]}
    users["outsider"] = user_with_role("coordinator", other, "outsider")
    me = EmployeeFactory.create(agency=agency, user=users["employee"], serial_number="7")
    category = CategoryFactory.create(name="Aviation", slug="aviation")
    draft = ActivityFactory.create(
        agency=agency,
        status="draft",
        created_by=users["employee"],
        category=category,
        title="Police Aviation Convention",
    )
    LocationFactory.create(activity=draft, country="PL", city="Warsaw")
    ParticipationFactory.create(activity=draft, employee=me)
    submitted = ActivityFactory.create(
        agency=agency, status="submitted", category=category, title="Airborne Tactics Seminar"
    )
    LocationFactory.create(activity=submitted, country="DE", city="Berlin")
    ParticipationFactory.create(activity=submitted)
    colleague = EmployeeFactory.create(agency=agency, serial_number="8")
    requester = user_with_role("employee", agency, "requester")
    colleagues_request = ActivityFactory.create(
        agency=agency, status="submitted", created_by=requester, category=category,
        title="Helicopter Hoist Rescue Course",
    )  # fmt: skip
    bonn = LocationFactory.create(activity=colleagues_request, country="DE", city="Bonn")
    ParticipationFactory.create(activity=colleagues_request, employee=me)
    # Outbound requests need every location abroad assessed before approval.
    assessment = done_assessment(
        submitted.locations.get(),
        users["security"],
        concerns=SECRET_CONCERN,
        decision="proceed_with_conditions",
        conditions="Travel in pairs only.",
    )
    done_assessment(bonn, users["security"])
    unassessed = ActivityFactory.create(
        agency=agency,
        status="security_review",
        category=category,
        title="Counter-Terrorism Course",
    )
    LocationFactory.create(activity=unassessed, country="IL", city="Tel Aviv")
    advisory("IL", 3, dt.date(2023, 10, 14), "TU")
    in_approval = make_upcoming(ActivityFactory.create(
        agency=agency, status="in_approval", category=category, title="Night Flying Course",
    ))  # fmt: skip
    done_assessment(
        LocationFactory.create(activity=in_approval, country="DE", city="Hamburg"),
        users["security"],
    )
    ApprovalStep.objects.create(
        activity=in_approval, kind="approval", role="approver", round=1, position=1
    )
    return World(
        unassessed=unassessed,
        assessment=assessment,
        in_approval=in_approval,
        agency=agency,
        colleagues_request=colleagues_request,
        users=users,
        me=me,
        draft=draft,
        submitted=submitted,
        colleague=colleague,
    )


def activity_body(world: World, title: str = "Police Aviation Convention") -> dict[str, Any]:
    return {
        "title": title,
        "direction": "outbound",
        "kind": "convention",
        "category": "aviation",
        "purpose": "Compare helicopter crew training.",
        "start_date": "2024-06-01",
        "end_date": "2024-06-03",
        "locations": [{"country": "PL", "city": "Warsaw"}],
        "participants": [],
    }


Request = Callable[[Client, World], Any]
NEW_TITLE = "Rotary-Wing Safety Symposium"


def coordinator_form(world: World, url: str, **changes: str) -> dict[str, Any]:
    """The form at ``url`` as a coordinator sees it, with ``changes`` applied: what a
    browser would post. Every persona posts these same values, so a refusal is about who
    asks, never about the input."""
    client = Client()
    client.force_login(world.users["coordinator"])
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {**form_values(response.content, action=url), **changes}


def post_form_as(persona: str, url: str, **changes: str) -> Request:
    """Like ``post_form``, with the form as ``persona`` sees it (a form only they may open)."""

    def request(client: Client, world: World) -> Any:
        target = url.format(w=world)
        reader = Client()
        reader.force_login(world.users[persona])
        response = reader.get(target)
        assert response.status_code == 200, (target, response.status_code)
        return client.post(target, {**form_values(response.content, action=target), **changes})

    return request


def post_form(url: str, **changes: str) -> Request:
    return lambda c, w: c.post(url.format(w=w), coordinator_form(w, url.format(w=w), **changes))


def new_activity_form(client: Client, world: World) -> Any:
    values = coordinator_form(
        world,
        "/activities/new/",
        title=NEW_TITLE,
        direction="outbound",
        kind="convention",
        category=str(world.draft.category_id),
        purpose="Compare helicopter crew training.",
        start_date="2024-06-01",
        end_date="2024-06-03",
    )
    values["locations-0-country"] = "PL"
    values["locations-0-city"] = "Warsaw"
    values.pop("agency", None)  # each persona's only agency is implicit
    return client.post("/activities/new/", values)


@dataclass
class Action:
    """One row of the table: the same act through the page and through the API.

    ``changed`` says whether a write took effect (read from the database, never from the
    status code); ``reset`` undoes it between the two doors. A read is allowed when the
    answer shows ``shows``."""

    name: str
    page: Request
    api: Request
    outcomes: dict[str, str]  # persona → expected outcome
    changed: Callable[[World], bool] | None = None
    reset: Callable[[World], object] = lambda world: None
    shows: Callable[[World], str] = lambda world: ""


def only(allowed: set[str], *, others: str = MISSING, outsider: str = MISSING) -> dict[str, str]:
    result = {p: (ALLOWED if p in allowed else others) for p in PERSONAS}
    result["outsider"] = outsider
    return result


def status_of(activity: Activity) -> str:
    return Activity.objects.values_list("status", flat=True).get(pk=activity.pk)


def my_participation(world: World) -> Participation:
    return Participation.objects.get(activity=world.draft, employee=world.me)


def restore_participation(world: World) -> None:
    Participation.objects.filter(activity=world.draft).update(
        withdrawn_at=None, withdrawal_reason=""
    )


def restore_statuses(world: World) -> None:
    for activity in (world.draft, world.submitted, world.colleagues_request, world.in_approval):
        Activity.objects.filter(pk=activity.pk).update(status=activity.status)
    ApprovalStep.objects.filter(activity=world.in_approval).update(
        state="pending", decided_by=None, decided_at=None, decided_by_name="", conditions=""
    )


def restricted(world: World) -> VettingRequest:
    """A contact met on the submitted trip, with a vetting request awaiting an answer
    (made on first use; restricted data, ADR 0016)."""
    vetting: VettingRequest | None = getattr(world, "_vetting", None)
    if vetting is None:
        contact = ContactFactory.create(
            activity=world.submitted, external_person__full_name="Dieter Brandt"
        )
        vetting = VettingFactory.create(contact=contact, reference="BKA-2024-7")
        world._vetting = vetting  # type: ignore[attr-defined]
    return vetting


def new_contact_person(world: World) -> Any:
    person = getattr(world, "_new_contact", None)
    if person is None:
        person = ExternalPersonFactory.create(agency=world.agency, full_name="Anna Kowalska")
        world._new_contact = person  # type: ignore[attr-defined]
    return person


def contact_body(world: World) -> dict[str, Any]:
    return {
        "external_person": new_contact_person(world).pk,
        "circumstance": "host",
        "met_on": "2024-06-02",
        "country": "DE",
    }


def new_contact_recorded(world: World) -> bool:
    return Contact.objects.filter(external_person=new_contact_person(world)).exists()


def security_read(world: World) -> World:
    """The security officer has read the vetting request: the log has a row to show."""
    log_restricted_read(user=world.users["security"], obj=restricted(world), door="page")
    return world


def vetting_status(world: World) -> str:
    return VettingRequest.objects.values_list("status", flat=True).get(pk=restricted(world).pk)


MY_PURPOSE = "Compare stadium crowd control with the public order unit abroad."
THEIR_PURPOSE = "Learn the partner's body-worn video retention rules."
NEW_TAKEAWAYS = "Dialogue teams lowered tension before the match."


def my_report(world: World) -> EvaluationReport:
    """The employee persona's own draft report on a trip that ended (made on first use)."""
    report: EvaluationReport | None = getattr(world, "_my_report", None)
    if report is None:
        trip = ActivityFactory.create(agency=world.agency, status="completed", title="Stadium")
        mine = ParticipationFactory.create(activity=trip, employee=world.me)
        report = ReportFactory.create(
            activity=trip, created_by=world.users["employee"], purpose=MY_PURPOSE
        )
        ReportAuthor.objects.create(report=report, participation=mine)
        world._my_report = report  # type: ignore[attr-defined]
    return report


def their_report(world: World) -> EvaluationReport:
    """A colleague's report, submitted for review (no persona is its author)."""
    report: EvaluationReport | None = getattr(world, "_their_report", None)
    if report is None:
        trip = ActivityFactory.create(agency=world.agency, status="completed", title="Video")
        theirs = ParticipationFactory.create(activity=trip, employee=world.colleague)
        report = ReportFactory.create(
            activity=trip, created_by=world.users["coordinator"], purpose=THEIR_PURPOSE,
            status="submitted",
        )  # fmt: skip
        ReportAuthor.objects.create(report=report, participation=theirs)
        world._their_report = report  # type: ignore[attr-defined]
    return report


def report_field(report: EvaluationReport, field: str) -> Any:
    return EvaluationReport.objects.values_list(field, flat=True).get(pk=report.pk)


def reset_review(world: World) -> None:
    report = their_report(world)
    ReportReview.objects.filter(report=report).delete()
    EvaluationReport.objects.filter(pk=report.pk).update(status="submitted", acknowledged_at=None)


REPORT_READERS = {"approver", "coordinator", "security", "reviewer", "overseer", "admin"}
ACKNOWLEDGE = {"decision": "acknowledge", "checklist": list(CHECKLIST_KEYS)}
RULES = {
    "due_days": 45, "due_soon_days": 7, "reminder_interval_days": 7, "escalate_after_days": 14,
    "min_purpose": 40, "min_itinerary": 40, "min_key_takeaways": 200,
    "min_practical_applications": 100, "min_potential_benefits": 100,
    "min_recommendations": 1, "min_topics": 1,
}  # fmt: skip


def paid(world: World) -> Contribution:
    """The foundation's payment towards the submitted trip, anonymous donor's money on the
    request in approval (made on first use; ADR 0019)."""
    contribution: Contribution | None = getattr(world, "_paid", None)
    if contribution is None:
        funder = FunderFactory.create(agency=world.agency, name="Harbor Police Foundation")
        contribution = ContributionFactory.create(activity=world.submitted, funder=funder)
        anonymous = FunderFactory.create(agency=world.agency, name="Undisclosed donor",
                                         funder_type="anonymous")  # fmt: skip
        ContributionFactory.create(activity=world.in_approval, funder=anonymous)
        world._paid = contribution  # type: ignore[attr-defined]
    return contribution


NEW_FUNDER = "Skyline Rotorcraft Inc."


# --- exports and printouts (issue 9, ADR 0025): made on first use --------------------------


def an_external_person(world: World) -> Any:
    person = getattr(world, "_external", None)
    if person is None:
        academy = OrganisationFactory.create(name="Interpol Academy", country="FR")
        person = ExternalPersonFactory.create(
            agency=world.agency, full_name="Claire Dubois", country="FR", organisation=academy
        )
        world._external = person  # type: ignore[attr-defined]
    return person


def my_employee_row(world: World) -> str:
    # id, agency, serial_number, last_name: the persona's own row of the employee export.
    return f"{world.me.pk},{world.agency.ori_code},{world.me.serial_number},{world.me.last_name}"


def csv_export(client: Client, url: str, setup: Callable[[], object] = lambda: None) -> Any:
    setup()
    return client.get(url, {"format": "csv"})


# --- outcomes (ADR 0018): made on first use ----------------------------------------------

REC_TEXT = "Teach the mounted unit the Thai crowd-dispersal line."


def outcome_rec(world: World) -> Recommendation:
    """A recommendation of an acknowledged report on the submitted trip, undecided."""
    rec: Recommendation | None = getattr(world, "_rec", None)
    if rec is None:
        rec = RecommendationFactory.create(report__activity=world.submitted, text=REC_TEXT)
        world._rec = rec  # type: ignore[attr-defined]
    return rec


def adopted_rec(world: World) -> Recommendation:
    """A second recommendation, decided "adopt", with no adoption recorded yet."""
    rec: Recommendation | None = getattr(world, "_adopted", None)
    if rec is None:
        rec = RecommendationFactory.create(report__activity=world.submitted, position=2)
        DecisionFactory.create(recommendation=rec)
        world._adopted = rec  # type: ignore[attr-defined]
    return rec


def an_adoption(world: World) -> Adoption:
    adoption: Adoption | None = getattr(world, "_adoption", None)
    if adoption is None:
        rec = RecommendationFactory.create(report__activity=world.submitted, position=3)
        DecisionFactory.create(recommendation=rec)
        adoption = AdoptionFactory.create(recommendation=rec, what_changed="Crowd line drills.")
        world._adoption = adoption  # type: ignore[attr-defined]
    return adoption


def a_policy(world: World) -> Policy:
    policy: Policy | None = getattr(world, "_policy", None)
    if policy is None:
        policy = PolicyFactory.create(agency=world.agency, identifier="Directive 16")
        world._policy = policy  # type: ignore[attr-defined]
    return policy


def policy_form(world: World, **changes: str) -> dict[str, str]:
    policy = a_policy(world)
    values = {"identifier": policy.identifier, "title": policy.title, "summary": "",
              "effective_from": "2016-10-01", "effective_to": "", "source_url": ""}  # fmt: skip
    return {**values, **changes}


ADOPTION_FORM = {"kind": "tactic", "what_changed": "Dispersal line drills.",
                 "effective_on": "2024-03-01"}  # fmt: skip


def a_hold(world: World) -> LegalHold:
    """A hold in force on the agency, placed by the overseer (a new one each time)."""
    return hold_place(
        actor=world.users["overseer"], agency=world.agency, scope="agency", reason="IG review"
    )


def a_tombstone(world: World) -> Tombstone:
    return Tombstone.objects.get_or_create(
        record_type="activity",
        record_number=10**9,
        defaults=dict(
            agency=world.agency, title="Destroyed Aviation Course",
            start_date=dt.date(2015, 1, 1), end_date=dt.date(2015, 1, 2), status="completed",
            origin="imported", schedule_years=5, schedule_authority="GRS",
            due_on=dt.date(2020, 1, 2), destroyed_by=world.users["coordinator"],
            destroyed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), content_sha256="0" * 64,
        ),
    )[0]  # fmt: skip


SCHEDULE_FORM = {"record_type": "activity", "years": "7", "authority": "City GRS 2.1"}


def failed_sign_in(world: World) -> World:
    """The coordinator mistyped a password: the authentication log has a row to show."""
    from liaison.accounts.models import AuthEventKind
    from liaison.accounts.services import auth_event_record
    from liaison.core.clients import ClientInfo

    auth_event_record(
        kind=AuthEventKind.SIGN_IN_FAILED,
        user=world.users["coordinator"],
        client=ClientInfo(ip_address="10.0.0.9", user_agent="test"),
        detail="Wrong password from 10.0.0.9",
    )
    return world


def another_session(client: Client, world: World) -> int:
    """The signed-in persona also signs in on a second browser; returns that session's
    row in the sessions list (world.other_session_key remembers it)."""
    from liaison.accounts.models import User, UserSession

    user = User.objects.get(pk=client.session["_auth_user_id"])
    phone = Client(HTTP_USER_AGENT="Second browser")
    phone.force_login(user)
    phone.get("/accounts/tokens/")
    row = UserSession.objects.get(user=user, user_agent="Second browser")
    world.other_session_key = row.session_key  # type: ignore[attr-defined]
    return row.pk


def other_session_ended(world: World) -> bool:
    from django.contrib.sessions.models import Session

    key = getattr(world, "other_session_key", None)
    return key is not None and not Session.objects.filter(session_key=key).exists()


def lock_out(world: World) -> World:
    """Five failed sign-ins as the coordinator: the account is locked."""
    AccessAttempt.objects.get_or_create(
        username="coordinator",
        ip_address="10.0.0.9",
        user_agent="test",
        defaults={
            "http_accept": "*/*",
            "path_info": "/accounts/login/",
            "get_data": "",
            "post_data": "",
            "failures_since_start": 5,
        },
    )
    return world


ACTIONS = [
    Action(
        "read my own draft evaluation report",
        lambda c, w: c.get(f"/reports/{my_report(w).pk}/"),
        lambda c, w: c.get(f"/api/v1/reports/{my_report(w).pk}"),
        only(REPORT_READERS | {"employee"}),
        shows=lambda w: MY_PURPOSE,
    ),
    Action(
        "read a colleague's evaluation report",
        lambda c, w: c.get(f"/reports/{their_report(w).pk}/"),
        lambda c, w: c.get(f"/api/v1/reports/{their_report(w).pk}"),
        only(REPORT_READERS),
        shows=lambda w: "body-worn video retention",
    ),
    Action(
        "edit my own draft evaluation report",
        lambda c, w: c.post(
            f"/reports/{my_report(w).pk}/edit/",
            {"purpose": MY_PURPOSE, "key_takeaways": NEW_TAKEAWAYS},
        ),
        lambda c, w: c.put(
            f"/api/v1/reports/{my_report(w).pk}",
            {"purpose": MY_PURPOSE, "key_takeaways": NEW_TAKEAWAYS},
            content_type="application/json",
        ),
        only({"employee"}, others=FORBIDDEN),
        changed=lambda w: report_field(my_report(w), "key_takeaways") == NEW_TAKEAWAYS,
        reset=lambda w: EvaluationReport.objects.filter(pk=my_report(w).pk).update(
            key_takeaways=""
        ),
    ),
    Action(
        "edit a colleague's evaluation report",
        lambda c, w: c.post(
            f"/reports/{their_report(w).pk}/edit/", {"key_takeaways": NEW_TAKEAWAYS}
        ),
        lambda c, w: c.put(
            f"/api/v1/reports/{their_report(w).pk}",
            {"key_takeaways": NEW_TAKEAWAYS},
            content_type="application/json",
        ),
        only(set(), others=FORBIDDEN) | {"employee": MISSING},
        changed=lambda w: report_field(their_report(w), "key_takeaways") == NEW_TAKEAWAYS,
    ),
    Action(
        "acknowledge a submitted evaluation report",
        lambda c, w: c.post(f"/reports/{their_report(w).pk}/review/", ACKNOWLEDGE),
        lambda c, w: c.post(
            f"/api/v1/reports/{their_report(w).pk}/transitions",
            {"name": "acknowledge", "checklist": dict.fromkeys(CHECKLIST_KEYS, True)},
            content_type="application/json",
        ),
        only({"approver"}, others=FORBIDDEN) | {"employee": MISSING},
        changed=lambda w: report_field(their_report(w), "status") == "acknowledged",
        reset=reset_review,
    ),
    Action(
        "see the overdue evaluation reports",
        lambda c, w: c.get("/reports/overdue/"),
        lambda c, w: c.get("/api/v1/reports/overdue"),
        only(REPORT_READERS, outsider=ALLOWED),
    ),
    Action(
        "edit the evaluation report rules",
        lambda c, w: c.post(f"/reports/rules/{w.agency.pk}/", RULES),
        lambda c, w: c.put(
            f"/api/v1/report-policies/{w.agency.pk}", RULES, content_type="application/json"
        ),
        only({"coordinator", "admin"}),
        changed=lambda w: ReportPolicy.objects.filter(agency=w.agency, due_days=45).exists(),
        reset=lambda w: ReportPolicy.objects.all().delete(),
    ),
    Action(
        "view an activity",
        lambda c, w: c.get(f"/activities/{w.submitted.pk}/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.submitted.pk}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: w.submitted.title,
    ),
    Action(
        "view own activity",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.draft.pk}"),
        only(set(PERSONAS) - {"outsider"}),
        shows=lambda w: w.draft.title,
    ),
    Action(
        "create an activity",
        new_activity_form,
        lambda c, w: c.post(
            "/api/v1/activities",
            {**activity_body(w), "title": NEW_TITLE},
            content_type="application/json",
        ),
        # The outsider may create in their own agency (the body names no agency).
        only({"employee", "coordinator"}, others=FORBIDDEN, outsider=ALLOWED),
        changed=lambda w: Activity.objects.filter(title=NEW_TITLE).exists(),
        reset=lambda w: Activity.objects.filter(title=NEW_TITLE).delete(),
    ),
    Action(
        "edit a draft",
        post_form("/activities/{w.draft.pk}/edit/", title=NEW_TITLE),
        lambda c, w: c.put(
            f"/api/v1/activities/{w.draft.pk}",
            {**activity_body(w), "title": NEW_TITLE},
            content_type="application/json",
        ),
        only({"employee", "coordinator"}, others=FORBIDDEN),
        changed=lambda w: Activity.objects.get(pk=w.draft.pk).title == NEW_TITLE,
        reset=lambda w: Activity.objects.filter(pk=w.draft.pk).update(title=w.draft.title),
    ),
    Action(
        "submit a draft",
        lambda c, w: c.post(f"/activities/{w.draft.pk}/transition/", {"name": "submit"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.draft.pk}/transitions",
            {"name": "submit"},
            content_type="application/json",
        ),
        only({"employee", "coordinator"}, others=FORBIDDEN),
        changed=lambda w: status_of(w.draft) == "submitted",
        reset=restore_statuses,
    ),
    Action(
        "approve a request in the approval chain",
        lambda c, w: c.post(f"/activities/{w.in_approval.pk}/transition/", {"name": "approve"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.in_approval.pk}/transitions",
            {"name": "approve"},
            content_type="application/json",
        ),
        {**only({"approver"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: status_of(w.in_approval) == "approved",
        reset=restore_statuses,
    ),
    Action(
        "decide an approval step with conditions",
        lambda c, w: c.post(
            f"/approvals/activities/{w.in_approval.pk}/decide/",
            {"decision": "approve", "conditions": "Daily check-in."},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.in_approval.pk}/approvals",
            {"decision": "approve", "conditions": "Daily check-in."},
            content_type="application/json",
        ),
        {**only({"approver"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: status_of(w.in_approval) == "approved",
        reset=restore_statuses,
    ),
    Action(
        "edit the agency's approval rules",
        lambda c, w: c.post(
            f"/approvals/policies/{w.agency.pk}/",
            {
                "approver_role": "approver",
                "higher_command_role": "command",
                "cost_threshold": "5000",
                "advisory_level_threshold": "3",
                "countries": "IL",
                "foreign_ministry_inbound": "on",
            },
        ),
        lambda c, w: c.put(
            f"/api/v1/approval-policies/{w.agency.pk}",
            {"cost_threshold": "5000", "countries": ["IL"]},
            content_type="application/json",
        ),
        only({"coordinator", "admin"}),
        changed=lambda w: ApprovalPolicy.objects.filter(
            agency=w.agency, cost_threshold=5000
        ).exists(),
        reset=lambda w: ApprovalPolicy.objects.all().delete(),
    ),
    Action(
        # A participant drops out before the activity runs: themself, or a coordinator.
        "withdraw a participant",
        lambda c, w: c.post(
            f"/activities/{w.draft.pk}/participants/{my_participation(w).pk}/withdraw/",
            {"reason": "Court date."},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.draft.pk}/participants/{my_participation(w).pk}/withdraw",
            {"reason": "Court date."},
            content_type="application/json",
        ),
        {**only({"employee", "coordinator"}, others=FORBIDDEN)},
        changed=lambda w: my_participation(w).withdrawn_at is not None,
        reset=restore_participation,
    ),
    Action(
        "start the security review of a request",
        lambda c, w: c.post(f"/activities/{w.submitted.pk}/transition/", {"name": "start_review"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.submitted.pk}/transitions",
            {"name": "start_review"},
            content_type="application/json",
        ),
        {**only({"security", "coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: status_of(w.submitted) == "security_review",
        reset=restore_statuses,
    ),
    Action(
        # Withdrawing is the requester's own act: a participant is refused by the guard.
        "withdraw a colleague's request",
        lambda c, w: c.post(
            f"/activities/{w.colleagues_request.pk}/transition/",
            {"name": "withdraw", "reason": "No longer needed."},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.colleagues_request.pk}/transitions",
            {"name": "withdraw", "reason": "No longer needed."},
            content_type="application/json",
        ),
        {**only(set(), others=FORBIDDEN), "employee": REFUSED},
        changed=lambda w: status_of(w.colleagues_request) == "withdrawn",
        reset=restore_statuses,
    ),
    Action(
        # The employee persona takes part in a colleague's request and so may read it, but
        # it is not theirs to cancel: the owner guard refuses, on both doors.
        "cancel a colleague's request",
        lambda c, w: c.post(
            f"/activities/{w.colleagues_request.pk}/transition/",
            {"name": "cancel", "reason": "No longer needed."},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.colleagues_request.pk}/transitions",
            {"name": "cancel", "reason": "No longer needed."},
            content_type="application/json",
        ),
        # Employees withdraw a submitted request rather than cancel it (ADR 0014).
        only({"coordinator"}, others=FORBIDDEN),
        changed=lambda w: status_of(w.colleagues_request) == "cancelled",
        reset=restore_statuses,
    ),
    Action(
        "see an activity's history",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/history/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.draft.pk}/history"),
        only({"coordinator", "overseer"}, others=FORBIDDEN),
        shows=lambda w: "created",
    ),
    Action(
        "view a colleague's employee record",
        lambda c, w: c.get(f"/people/employees/{w.colleague.pk}/"),
        lambda c, w: c.get(f"/api/v1/employees/{w.colleague.pk}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: w.colleague.last_name,
    ),
    Action(
        "edit an employee record",
        post_form("/people/employees/{w.colleague.pk}/edit/", unit="Air Support"),
        lambda c, w: c.patch(
            f"/api/v1/employees/{w.colleague.pk}",
            {"unit": "Air Support"},
            content_type="application/json",
        ),
        {**only({"coordinator", "admin"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Employee.objects.get(pk=w.colleague.pk).unit == "Air Support",
        reset=lambda w: Employee.objects.filter(pk=w.colleague.pk).update(unit=w.colleague.unit),
    ),
    Action(
        # Restricted data: everyone but security officers and overseers gets 404.
        "read a foreign contact",
        lambda c, w: c.get(f"/vetting/contacts/{restricted(w).contact_id}/"),
        lambda c, w: c.get(f"/api/v1/vetting/contacts/{restricted(w).contact_id}"),
        only({"security", "overseer"}),
        shows=lambda w: "Dieter Brandt",
    ),
    Action(
        "read a vetting request",
        lambda c, w: c.get(f"/vetting/requests/{restricted(w).pk}/"),
        lambda c, w: c.get(f"/api/v1/vetting/requests/{restricted(w).pk}"),
        only({"security", "overseer"}),
        shows=lambda w: "BKA-2024-7",
    ),
    Action(
        "record a foreign contact",
        lambda c, w: c.post(f"/activities/{w.submitted.pk}/contacts/new/", contact_body(w)),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.submitted.pk}/contacts",
            {
                **contact_body(w),
                "external_person_id": contact_body(w)["external_person"],
                "external_person": None,
            },
            content_type="application/json",
        ),
        {**only({"security"}), "overseer": FORBIDDEN},
        changed=new_contact_recorded,
        reset=lambda w: Contact.objects.filter(external_person=new_contact_person(w)).delete(),
    ),
    Action(
        "record a vetting decision",
        lambda c, w: c.post(
            f"/vetting/requests/{restricted(w).pk}/transition/",
            {"name": "deny", "reason": "Unit credibly implicated."},
        ),
        lambda c, w: c.post(
            f"/api/v1/vetting/requests/{restricted(w).pk}/transitions",
            {"name": "deny", "reason": "Unit credibly implicated."},
            content_type="application/json",
        ),
        {**only({"security"}), "overseer": FORBIDDEN},
        changed=lambda w: vetting_status(w) == "denied",
        reset=lambda w: VettingRequest.objects.filter(pk=restricted(w).pk).update(
            status="requested", decided_on=None, notes=""
        ),
    ),
    Action(
        "read the log of restricted reads",
        lambda c, w: (security_read(w), c.get("/vetting/reads/"))[1],
        lambda c, w: (security_read(w), c.get("/api/v1/vetting/reads"))[1],
        only({"overseer", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        shows=lambda w: "Vetting of Dieter Brandt",
    ),
    Action(
        "clear security review of an outbound request with no risk assessment",
        lambda c, w: c.post(f"/activities/{w.unassessed.pk}/transition/", {"name": "clear"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.unassessed.pk}/transitions",
            {"name": "clear"},
            content_type="application/json",
        ),
        {
            **only({"security", "coordinator"}, others=FORBIDDEN),
            "security": REFUSED,
            "coordinator": REFUSED,
            "employee": MISSING,
        },
        changed=lambda w: status_of(w.unassessed) == "in_approval",
        reset=lambda w: Activity.objects.filter(pk=w.unassessed.pk).update(
            status="security_review"
        ),
    ),
    Action(
        "read a country in the risk register",
        lambda c, w: c.get("/security/countries/IL/"),
        lambda c, w: c.get("/api/v1/security/countries/IL"),
        only(set(PERSONAS), outsider=ALLOWED),
        shows=lambda w: "Israel",
    ),
    Action(
        "import the country risk register",
        lambda c, w: c.post(
            "/security/countries/import/",
            {"file": SimpleUploadedFile("risk.csv", RISK_CSV.encode(), "text/csv")},
        ),
        lambda c, w: c.post(
            "/api/v1/security/countries/import",
            {"csv": RISK_CSV, "dry_run": False},
            content_type="application/json",
        ),
        only({"security", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        changed=lambda w: AdvisoryLevel.objects.filter(country_risk__country="FR").exists(),
        reset=lambda w: (
            AdvisoryLevel.objects.filter(country_risk__country="FR").delete(),
            CountryRisk.objects.filter(country="FR").delete(),
        ),
    ),
    Action(
        "add an advisory level",
        post_form_as(
            "security",
            "/security/countries/IL/advisories/new/",
            level="4",
            effective_date="2024-01-02",
            source_name="U.S. Department of State travel advisory, 2 January 2024",
        ),
        lambda c, w: c.post(
            "/api/v1/security/countries/IL/advisories",
            {"level": 4, "effective_date": "2024-01-02", "source_name": "Advisory, 2 Jan 2024"},
            content_type="application/json",
        ),
        only({"security", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        changed=lambda w: AdvisoryLevel.objects.filter(level=4).exists(),
        reset=lambda w: AdvisoryLevel.objects.filter(level=4).delete(),
    ),
    Action(
        "assess a location abroad",
        lambda c, w: c.post(
            f"/security/locations/{w.unassessed.locations.get().pk}/assess/",
            {"decision": "proceed", "concerns": "Rocket fire."},
        ),
        lambda c, w: c.post(
            f"/api/v1/security/locations/{w.unassessed.locations.get().pk}/risk-assessment",
            {"decision": "proceed", "concerns": "Rocket fire."},
            content_type="application/json",
        ),
        {**only({"security"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: RiskAssessment.objects.filter(activity=w.unassessed).exists(),
        reset=lambda w: RiskAssessment.objects.filter(activity=w.unassessed).delete(),
    ),
    Action(
        "see an activity's risk assessments (no restricted text)",
        lambda c, w: c.get(f"/activities/{w.submitted.pk}/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.submitted.pk}/risk-assessments"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: "Travel in pairs only.",
    ),
    Action(
        "read an assessment's restricted concerns",
        lambda c, w: c.get(f"/security/assessments/{w.assessment.pk}/"),
        lambda c, w: c.get(f"/api/v1/security/risk-assessments/{w.assessment.pk}"),
        only({"security", "overseer"}),
        shows=lambda w: SECRET_CONCERN,
    ),
    Action(
        "edit a risk assessment",
        post_form_as(
            "security",
            "/security/assessments/{w.assessment.pk}/edit/",
            mitigations="Brief the team daily.",
        ),
        lambda c, w: c.patch(
            f"/api/v1/security/risk-assessments/{w.assessment.pk}",
            {"mitigations": "Brief the team daily."},
            content_type="application/json",
        ),
        {**only({"security"}), "overseer": FORBIDDEN},
        changed=lambda w: (
            RiskAssessment.objects.get(pk=w.assessment.pk).mitigations == "Brief the team daily."
        ),
        reset=lambda w: RiskAssessment.objects.filter(pk=w.assessment.pk).update(mitigations=""),
    ),
    Action(
        "record a briefing",
        lambda c, w: c.post(
            f"/security/assessments/{w.assessment.pk}/briefings/",
            {"kind": "defensive_security", "given_on": "2024-05-20", "given_by": "Security Unit"},
        ),
        lambda c, w: c.post(
            f"/api/v1/security/risk-assessments/{w.assessment.pk}/briefings",
            {"kind": "defensive_security", "given_on": "2024-05-20", "given_by": "Security Unit"},
            content_type="application/json",
        ),
        {**only({"security"}), "overseer": FORBIDDEN},
        changed=lambda w: Briefing.objects.exists(),
        reset=lambda w: Briefing.objects.all().delete(),
    ),
    Action(
        "read an activity's funding",
        lambda c, w: (paid(w), c.get(f"/activities/{w.submitted.pk}/funding/"))[1],
        lambda c, w: (paid(w), c.get(f"/api/v1/activities/{w.submitted.pk}/funding"))[1],
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: "Harbor Police Foundation",
    ),
    Action(
        "read a funder of the registry",
        lambda c, w: c.get(f"/funding/funders/{paid(w).funder_id}/"),
        lambda c, w: c.get(f"/api/v1/funding/funders/{paid(w).funder_id}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: "Harbor Police Foundation",
    ),
    Action(
        "add a funder",
        lambda c, w: c.post(
            "/funding/funders/new/", {"name": NEW_FUNDER, "funder_type": "company"}
        ),
        lambda c, w: c.post(
            "/api/v1/funding/funders",
            {"name": NEW_FUNDER, "funder_type": "company"},
            content_type="application/json",
        ),
        # The outsider adds to their own agency's registry (the body names no agency).
        {**only({"coordinator"}, others=FORBIDDEN, outsider=ALLOWED), "employee": MISSING},
        changed=lambda w: Funder.objects.filter(name=NEW_FUNDER).exists(),
        reset=lambda w: Funder.objects.filter(name=NEW_FUNDER).delete(),
    ),
    Action(
        "record a contribution",
        lambda c, w: c.post(
            f"/activities/{w.submitted.pk}/funding/contributions/new/",
            {
                "funder": paid(w).funder_id,
                "paid_for": "meals",
                "amount": "120.00",
                "currency": "USD",
            },
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.submitted.pk}/contributions",
            {"funder_id": paid(w).funder_id, "paid_for": "meals", "amount": "120.00"},
            content_type="application/json",
        ),
        {**only({"coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Contribution.objects.filter(paid_for="meals").exists(),
        reset=lambda w: Contribution.objects.filter(paid_for="meals").delete(),
    ),
    Action(
        "correct a contribution",
        lambda c, w: c.post(
            f"/funding/contributions/{paid(w).pk}/correct/",
            {
                "funder": paid(w).funder_id,
                "paid_for": "transport",
                "amount": "1799.00",
                "currency": "USD",
                "reason": "Receipt shows 1,799.",
            },
        ),
        lambda c, w: c.put(
            f"/api/v1/funding/contributions/{paid(w).pk}",
            {
                "funder_id": paid(w).funder_id,
                "paid_for": "transport",
                "amount": "1799.00",
                "reason": "Receipt shows 1,799.",
            },
            content_type="application/json",
        ),
        {**only({"coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Contribution.objects.filter(
            pk=paid(w).pk, amount=Decimal("1799.00")
        ).exists(),
        reset=lambda w: Contribution.objects.filter(pk=paid(w).pk).update(
            amount=paid(w).amount, usd_amount=paid(w).usd_amount
        ),
    ),
    Action(
        "screen a funder for conflicts of interest",
        lambda c, w: c.post(
            f"/activities/{w.submitted.pk}/funding/screenings/new/",
            {"funder": paid(w).funder_id, "determination": "no_conflict"},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.submitted.pk}/screenings",
            {"funder_id": paid(w).funder_id, "determination": "no_conflict"},
            content_type="application/json",
        ),
        {**only({"approver"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: ConflictScreening.objects.exists(),
        reset=lambda w: ConflictScreening.objects.all().delete(),
    ),
    Action(
        # Higher command only: no persona here holds it (the guard tests give a deputy).
        "override anonymous funding",
        lambda c, w: (
            paid(w),
            c.post(f"/activities/{w.in_approval.pk}/funding/override/", {"reason": "Open course."}),
        )[1],
        lambda c, w: (
            paid(w),
            c.post(
                f"/api/v1/activities/{w.in_approval.pk}/anonymous-override",
                {"reason": "Open course."},
                content_type="application/json",
            ),
        )[1],
        {**only(set(), others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: AnonymousOverride.objects.exists(),
        reset=lambda w: AnonymousOverride.objects.all().delete(),
    ),
    Action(
        "start a Form 801",
        lambda c, w: c.post(
            f"/funding/contributions/{paid(w).pk}/form-801/new/",
            {"official_use": "Exchange for the unit."},
        ),
        lambda c, w: c.post(
            f"/api/v1/funding/contributions/{paid(w).pk}/form-801",
            {"official_use": "Exchange for the unit."},
            content_type="application/json",
        ),
        {**only({"coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Form801.objects.exists(),
        reset=lambda w: Form801.objects.all().delete(),
    ),
    Action(
        "read an activity's outcomes",
        lambda c, w: (outcome_rec(w), c.get(f"/activities/{w.submitted.pk}/outcomes/"))[1],
        lambda c, w: (outcome_rec(w), c.get(f"/api/v1/activities/{w.submitted.pk}/outcomes"))[1],
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: REC_TEXT,
    ),
    Action(
        "decide a recommendation (adopt, with a reason)",
        lambda c, w: c.post(
            f"/outcomes/recommendations/{outcome_rec(w).pk}/decide/",
            {"name": "adopt", "reason": "Proven abroad."},
        ),
        lambda c, w: c.post(
            f"/api/v1/outcomes/recommendations/{outcome_rec(w).pk}/decision",
            {"name": "adopt", "reason": "Proven abroad."},
            content_type="application/json",
        ),
        {**only({"approver", "coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Decision.objects.filter(recommendation=outcome_rec(w)).exists(),
        reset=lambda w: Decision.objects.filter(recommendation=outcome_rec(w)).delete(),
    ),
    Action(
        "record what was adopted",
        lambda c, w: c.post(
            f"/outcomes/recommendations/{adopted_rec(w).pk}/adoptions/new/", ADOPTION_FORM
        ),
        lambda c, w: c.post(
            f"/api/v1/outcomes/recommendations/{adopted_rec(w).pk}/adoptions",
            ADOPTION_FORM,
            content_type="application/json",
        ),
        {**only({"approver", "coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Adoption.objects.filter(recommendation=adopted_rec(w)).exists(),
        reset=lambda w: Adoption.objects.filter(recommendation=adopted_rec(w)).delete(),
    ),
    Action(
        "record a six-monthly follow-up",
        lambda c, w: c.post(
            f"/outcomes/adoptions/{an_adoption(w).pk}/follow-ups/", {"note": "All divisions."}
        ),
        lambda c, w: c.post(
            f"/api/v1/outcomes/adoptions/{an_adoption(w).pk}/follow-ups",
            {"note": "All divisions."},
            content_type="application/json",
        ),
        {**only({"approver", "coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: FollowUp.objects.filter(adoption=an_adoption(w)).exists(),
        reset=lambda w: FollowUp.objects.all().delete(),
    ),
    Action(
        "state that nothing was adopted from an activity",
        lambda c, w: c.post(
            f"/activities/{w.in_approval.pk}/outcomes/nothing-adopted/",
            {"statement": "Nothing applies to our units."},
        ),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.in_approval.pk}/nothing-adopted",
            {"statement": "Nothing applies to our units."},
            content_type="application/json",
        ),
        {**only({"approver", "coordinator"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: NothingAdopted.objects.filter(activity=w.in_approval).exists(),
        reset=lambda w: NothingAdopted.objects.all().delete(),
    ),
    Action(
        "record an alignment review (conflicts, with rationale)",
        lambda c, w: c.post(
            f"/outcomes/adoptions/{an_adoption(w).pk}/reviews/new/",
            {"policy": a_policy(w).pk, "verdict": "conflicts", "rationale": "Force first."},
        ),
        lambda c, w: c.post(
            f"/api/v1/outcomes/adoptions/{an_adoption(w).pk}/reviews",
            {"policy_id": a_policy(w).pk, "verdict": "conflicts", "rationale": "Force first."},
            content_type="application/json",
        ),
        {**only({"reviewer"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: AlignmentReview.objects.filter(adoption=an_adoption(w)).exists(),
        reset=lambda w: AlignmentReview.objects.all().delete(),
    ),
    Action(
        "read a policy of the library",
        lambda c, w: c.get(f"/outcomes/policies/{a_policy(w).pk}/"),
        lambda c, w: c.get(f"/api/v1/policies/{a_policy(w).pk}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: "Directive 16",
    ),
    Action(
        "edit a policy of the library",
        lambda c, w: c.post(
            f"/outcomes/policies/{a_policy(w).pk}/edit/", policy_form(w, title="De-Escalation")
        ),
        lambda c, w: c.patch(
            f"/api/v1/policies/{a_policy(w).pk}",
            {"title": "De-Escalation"},
            content_type="application/json",
        ),
        {**only({"reviewer"}, others=FORBIDDEN), "employee": MISSING},
        changed=lambda w: Policy.objects.get(pk=a_policy(w).pk).title == "De-Escalation",
        reset=lambda w: Policy.objects.filter(pk=a_policy(w).pk).update(title=a_policy(w).title),
    ),
    Action(
        "import a spreadsheet of activities (upload and check, then import)",
        lambda c, w: import_through(c, "/exchange/imports/", page=True),
        lambda c, w: import_through(c, "/api/v1/imports", page=False),
        # Another agency's coordinator imports too — into their own agency.
        only({"coordinator"}, others=FORBIDDEN, outsider=ALLOWED),
        changed=lambda w: Activity.objects.filter(title=IMPORTED_TITLE).exists(),
        reset=lambda w: forget_imports(),
    ),
    Action(
        "say who an ambiguous participant of an import is (the review step)",
        lambda c, w: c.post(
            f"/exchange/imports/{ambiguous_batch(w).pk}/matches/",
            {"match-2-1": str(a_park(w))},
        ),
        lambda c, w: c.post(
            f"/api/v1/imports/{ambiguous_batch(w).pk}/matches",
            {"resolutions": [{"row": 2, "participant": 1, "employee_id": a_park(w)}]},
            content_type="application/json",
        ),
        # Another agency's coordinator cannot see the batch at all.
        only({"coordinator"}),
        changed=lambda w: resolutions_stored(),
        reset=lambda w: forget_imports(),
    ),
    Action(
        "see the oversight summary",
        lambda c, w: c.get("/oversight/"),
        lambda c, w: c.get("/api/v1/oversight/summary"),
        only({"coordinator", "overseer"}, others=FORBIDDEN, outsider=ALLOWED),
        shows=lambda w: "activities",
    ),
    Action(
        "place a legal hold",
        lambda c, w: c.post(
            "/retention/holds/new/", {"agency": w.agency.pk, "scope": "agency", "reason": "IG"}
        ),
        lambda c, w: c.post(
            "/api/v1/retention/holds",
            {"agency": w.agency.pk, "scope": "agency", "reason": "IG"},
            content_type="application/json",
        ),
        only({"overseer"}, others=FORBIDDEN, outsider=FORBIDDEN),
        changed=lambda w: LegalHold.objects.filter(reason="IG").exists(),
        reset=lambda w: LegalHold.objects.all().delete(),
    ),
    Action(
        "release a legal hold",
        lambda c, w: c.post(f"/retention/holds/{a_hold(w).pk}/release/", {"reason": "Closed"}),
        lambda c, w: c.post(
            f"/api/v1/retention/holds/{a_hold(w).pk}/release",
            {"reason": "Closed"},
            content_type="application/json",
        ),
        {**only({"overseer"}), "coordinator": FORBIDDEN, "admin": FORBIDDEN},
        changed=lambda w: LegalHold.objects.filter(released_at__isnull=False).exists(),
        reset=lambda w: LegalHold.objects.all().delete(),
    ),
    Action(
        "set a retention schedule",
        lambda c, w: c.post(f"/retention/schedules/{w.agency.pk}/", SCHEDULE_FORM),
        lambda c, w: c.put(
            "/api/v1/retention/schedules",
            {**SCHEDULE_FORM, "agency": w.agency.pk},
            content_type="application/json",
        ),
        {**only({"coordinator", "admin"}), "overseer": FORBIDDEN},
        changed=lambda w: RetentionSchedule.objects.filter(years=7).exists(),
        reset=lambda w: RetentionSchedule.objects.all().delete(),
    ),
    Action(
        "read a tombstone of a destroyed record",
        lambda c, w: c.get(f"/retention/tombstones/{a_tombstone(w).pk}/"),
        lambda c, w: c.get(f"/api/v1/retention/tombstones/{a_tombstone(w).pk}"),
        only({"coordinator", "overseer", "admin"}),
        shows=lambda w: "Destroyed Aviation Course",
    ),
    Action(
        "read the authentication log",
        lambda c, w: (failed_sign_in(w), c.get("/accounts/auth-log/?kind=sign_in_failed"))[1],
        lambda c, w: (failed_sign_in(w), c.get("/api/v1/auth-events?kind=sign_in_failed"))[1],
        only({"overseer", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        shows=lambda w: "Wrong password from 10.0.0.9",
    ),
    Action(
        "verify the audit trail",
        lambda c, w: c.get("/records/audit/verification/"),
        lambda c, w: c.get("/api/v1/audit/verification"),
        only({"overseer", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        shows=lambda w: "ntact",  # "Intact" on the page, "intact": true in the API
    ),
    Action(
        "read the audit events",
        lambda c, w: (failed_sign_in(w), c.get("/records/audit/?table=accounts_authevent"))[1],
        lambda c, w: (failed_sign_in(w), c.get("/api/v1/audit/events?table=accounts_authevent"))[1],
        only({"overseer", "admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        shows=lambda w: "Wrong password from 10.0.0.9",
    ),
    Action(
        "release a sign-in lockout",
        lambda c, w: (lock_out(w), c.post("/accounts/lockouts/", {"username": "coordinator"}))[1],
        lambda c, w: (
            lock_out(w),
            c.post(
                "/api/v1/lockouts/unlock",
                {"username": "coordinator"},
                content_type="application/json",
            ),
        )[1],
        only({"admin"}, others=FORBIDDEN, outsider=FORBIDDEN),
        changed=lambda w: not AccessAttempt.objects.filter(username="coordinator").exists(),
    ),
    Action(
        "list my own sessions",
        lambda c, w: c.get("/accounts/sessions/"),
        lambda c, w: c.get("/api/v1/sessions"),
        only(set(PERSONAS), outsider=ALLOWED),
        shows=lambda w: "127.0.0.1",
    ),
    Action(
        "sign out another of my sessions",
        lambda c, w: c.post("/accounts/sessions/", {"session": another_session(c, w)}),
        lambda c, w: c.post(f"/api/v1/sessions/{another_session(c, w)}/end"),
        only(set(PERSONAS), outsider=ALLOWED),
        changed=other_session_ended,
    ),
    # --- exports of the lists (the list's own rule) and printable records (the page's) ---
    Action(
        "export the activity list (CSV)",
        lambda c, w: c.get("/exchange/activities.csv"),
        lambda c, w: c.get("/api/v1/exports/activities/csv"),
        # The list's own rule: an employee's file holds only their own activities.
        {**only(REPORT_READERS, outsider=NONE_OF_OURS), "employee": NONE_OF_OURS},
        shows=lambda w: w.submitted.title,
    ),
    Action(
        "export own activities (CSV)",
        lambda c, w: c.get("/exchange/activities.csv"),
        lambda c, w: c.get("/api/v1/exports/activities/csv"),
        only(set(PERSONAS) - {"outsider"}, outsider=NONE_OF_OURS),
        shows=lambda w: w.draft.title,
    ),
    Action(
        "export the employee list (CSV)",
        lambda c, w: csv_export(c, "/people/employees/export/"),
        lambda c, w: csv_export(c, "/api/v1/exports/employees"),
        {**only(REPORT_READERS, outsider=NONE_OF_OURS), "employee": FORBIDDEN},
        shows=my_employee_row,
    ),
    Action(
        "export the external persons list (CSV)",
        lambda c, w: csv_export(c, "/people/external/export/", lambda: an_external_person(w)),
        lambda c, w: csv_export(c, "/api/v1/exports/external-persons"),
        {**only(REPORT_READERS, outsider=NONE_OF_OURS), "employee": FORBIDDEN},
        shows=lambda w: "Claire Dubois",
    ),
    Action(
        "export the organisation registry (CSV)",
        lambda c, w: csv_export(c, "/people/organisations/export/", lambda: an_external_person(w)),
        lambda c, w: csv_export(c, "/api/v1/exports/organisations"),
        only(set(PERSONAS) - {"outsider"}, outsider=ALLOWED),
        shows=lambda w: "Interpol Academy",
    ),
    Action(
        "export the contributions list (CSV)",
        lambda c, w: csv_export(c, "/funding/contributions/export/", lambda: paid(w)),
        lambda c, w: csv_export(c, "/api/v1/exports/contributions"),
        only(REPORT_READERS, outsider=NONE_OF_OURS),
        shows=lambda w: "Harbor Police Foundation",
    ),
    Action(
        "export the evaluation report list (CSV)",
        lambda c, w: csv_export(c, "/reports/all/export/", lambda: my_report(w)),
        lambda c, w: csv_export(c, "/api/v1/exports/reports"),
        only(REPORT_READERS | {"employee"}, outsider=NONE_OF_OURS),
        shows=lambda w: MY_PURPOSE,
    ),
    Action(
        "print an activity (PDF)",
        lambda c, w: c.get(f"/activities/{w.submitted.pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.submitted.pk}/pdf"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
        shows=lambda w: w.submitted.title,
    ),
    Action(
        "print own activity (PDF)",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.draft.pk}/pdf"),
        only(set(PERSONAS) - {"outsider"}),
        shows=lambda w: w.draft.title,
    ),
    Action(
        "print own employee record (PDF)",
        lambda c, w: c.get(f"/people/employees/{w.me.pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/employees/{w.me.pk}/pdf"),
        only(set(PERSONAS) - {"outsider"}),
        shows=lambda w: f"Employee record no. {w.me.pk}",
    ),
    Action(
        "print a colleague's employee record (PDF)",
        lambda c, w: c.get(f"/people/employees/{w.colleague.pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/employees/{w.colleague.pk}/pdf"),
        only(REPORT_READERS),
        shows=lambda w: f"Employee record no. {w.colleague.pk}",
    ),
    Action(
        "print an external person (PDF)",
        lambda c, w: c.get(f"/people/external/{an_external_person(w).pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/external-persons/{an_external_person(w).pk}/pdf"),
        only(REPORT_READERS),
        shows=lambda w: "Claire Dubois",
    ),
    Action(
        "print an organisation (PDF)",
        lambda c, w: c.get(f"/people/organisations/{an_external_person(w).organisation_id}/pdf/"),
        lambda c, w: c.get(f"/api/v1/organisations/{an_external_person(w).organisation_id}/pdf"),
        only(set(PERSONAS) - {"outsider"}, outsider=ALLOWED),
        shows=lambda w: "Interpol Academy",
    ),
    Action(
        "print a colleague's evaluation report (PDF)",
        lambda c, w: c.get(f"/reports/{their_report(w).pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/reports/{their_report(w).pk}/pdf"),
        only(REPORT_READERS),
        shows=lambda w: "body-worn video retention",
    ),
    Action(
        "print my own evaluation report (PDF)",
        lambda c, w: c.get(f"/reports/{my_report(w).pk}/pdf/"),
        lambda c, w: c.get(f"/api/v1/reports/{my_report(w).pk}/pdf"),
        only(REPORT_READERS | {"employee"}),
        shows=lambda w: "stadium crowd control",
    ),
    Action(
        "read the data dictionary",
        lambda c, w: c.get("/data-dictionary/"),
        lambda c, w: c.get("/api/v1/data-dictionary"),
        only(set(PERSONAS) - {"outsider"}, outsider=ALLOWED),
        shows=lambda w: "serial_number",
    ),
]


IMPORTED_TITLE = "Legacy Helicopter Course"


def import_file_bytes() -> bytes:
    from liaison.exchange.tests.helpers import csv_bytes, row

    return csv_bytes([row(title=IMPORTED_TITLE, category="aviation", locations="PL:Warsaw",
                          participants="", funding="", approvals="", reports="",
                          host_organisation="")])  # fmt: skip


def import_through(client: Client, url: str, *, page: bool) -> Any:
    """Upload (the dry run), then confirm: what a coordinator does. A refused upload is
    the answer; so is the confirmation's."""
    from liaison.exchange.models import ImportBatch

    upload = SimpleUploadedFile("legacy.csv", import_file_bytes(), content_type="text/csv")
    response = client.post(url, {"file": upload})
    if response.status_code not in (201, 302):
        return response
    batch = ImportBatch.objects.order_by("-id").first()
    assert batch is not None
    if page:
        return client.post(f"/exchange/imports/{batch.pk}/import/")
    return client.post(f"/api/v1/imports/{batch.pk}/import")


def ambiguous_batch(world: World) -> Any:
    """A file the coordinator uploaded whose only participant, "Chris Park", two employees
    of the agency are named: checked, refused, waiting for the review step (ADR 0028)."""
    from liaison.exchange.models import ImportBatch
    from liaison.exchange.services import import_batch_check, import_batch_create
    from liaison.exchange.tests.helpers import csv_bytes, row

    batch = ImportBatch.objects.exclude(ambiguous=[]).order_by("-id").first()
    if batch is not None:
        return batch
    if not Employee.objects.filter(last_name="Park").exists():
        for serial in ("31", "32"):
            EmployeeFactory.create(
                agency=world.agency, serial_number=serial, first_name="Chris", last_name="Park"
            )
    content = csv_bytes([row(title=IMPORTED_TITLE, category="aviation", locations="PL:Warsaw",
                             participants=" | Chris Park |  |  |  | attendee", funding="",
                             approvals="", reports="", host_organisation="")])  # fmt: skip
    coordinator = world.users["coordinator"]
    batch = import_batch_create(
        actor=coordinator, agency=world.agency, file_name="legacy.csv", content=content
    )
    return import_batch_check(actor=coordinator, batch=batch)


def a_park(world: World) -> int:
    ambiguous_batch(world)
    return Employee.objects.filter(last_name="Park").order_by("serial_number").first().pk  # type: ignore[union-attr]


def resolutions_stored() -> bool:
    from liaison.exchange.models import MatchResolution

    return MatchResolution.objects.exists()


def forget_imports() -> None:
    from liaison.exchange.models import ImportBatch, ImportedRecord, MatchResolution

    MatchResolution.objects.all().delete()
    ImportedRecord.objects.all().delete()
    Activity.objects.filter(title=IMPORTED_TITLE).delete()
    ImportBatch.objects.all().delete()


def outcome_of(response: Any, world: World, action: Action, client: Client, *, api: bool) -> str:
    """What happened, judged by the effect: a write is allowed only if the database
    changed, whatever the status code said; a read only if the answer shows the record."""
    status = response.status_code
    if action.changed is not None:
        changed = action.changed(world)
        if changed:
            assert status in ((200, 201) if api else (200, 302)), (status, "changed anyway")
            return ALLOWED
        if status in (404, 403, 409):
            return {404: MISSING, 403: FORBIDDEN, 409: REFUSED}[status]
        if not api and status == 302:
            # A page refusal comes back as a message on the page it returns to.
            followed = client.get(response["Location"])
            assert b"usa-alert--error" in followed.content, "refused without saying why"
            return REFUSED
        raise AssertionError(f"nothing changed, yet the answer was {status}")
    if status in (404, 403):
        return {404: MISSING, 403: FORBIDDEN}[status]
    body = readable_body(response)
    assert status == 200, (status, body[:300])
    if action.shows(world) not in body:
        # A list or file that answers without the record: not ALLOWED, whatever the code.
        return NONE_OF_OURS
    return ALLOWED


def readable_body(response: Any) -> str:
    """The answer's text: a streamed export read to its end, a PDF's extracted text (with
    its line breaks as spaces), anything else decoded."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type") == "application/pdf":
        reader = PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    return response.content.decode(errors="replace")


CASES = [
    pytest.param(action, persona, id=f"{action.name} × {persona}")
    for action in ACTIONS
    for persona in PERSONAS
]


@pytest.mark.parametrize(("action", "persona"), CASES)
def test_the_page_and_the_api_agree_with_the_permission_table(
    world: World, action: Action, persona: str
) -> None:
    expected = action.outcomes[persona]
    client = Client()
    client.force_login(world.users[persona])
    page_outcome = outcome_of(action.page(client, world), world, action, client, api=False)
    action.reset(world)
    api_outcome = outcome_of(action.api(client, world), world, action, client, api=True)
    action.reset(world)
    assert (page_outcome, api_outcome) == (expected, expected)


def test_an_approver_who_takes_part_may_not_approve_and_is_told_why(world: World) -> None:
    approver = world.users["approver"]
    ParticipationFactory.create(
        activity=world.in_approval,
        employee=EmployeeFactory.create(agency=world.agency, user=approver, serial_number="9"),
    )
    client = Client()
    client.force_login(approver)
    api = client.post(
        f"/api/v1/activities/{world.in_approval.pk}/transitions",
        {"name": "approve"},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert "take part" in api.json()["message"]
    page = client.post(
        f"/activities/{world.in_approval.pk}/transition/", {"name": "approve"}, follow=True
    )
    assert "take part" in page.content.decode()
    assert status_of(world.in_approval) == "in_approval"
    detail = client.get(f"/api/v1/activities/{world.in_approval.pk}").json()
    assert "approve" not in detail["allowed_transitions"]
    # One line per verb: "Approve" is declared for a middle step and for the last one.
    assert [r["name"] for r in detail["refused_transitions"]] == ["approve_step", "deny", "return"]


def test_moves_that_need_a_reason_are_refused_without_one_on_both_doors(world: World) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    api = client.post(
        f"/api/v1/activities/{world.submitted.pk}/transitions",
        {"name": "cancel", "reason": "  "},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "reason" in api.json()["errors"]
    client.post(f"/activities/{world.submitted.pk}/transition/", {"name": "cancel"})
    assert status_of(world.submitted) == "submitted"


def test_an_overseer_spanning_all_agencies_sees_every_agencys_activity(world: World) -> None:
    from liaison.accounts.models import RoleGrant
    from liaison.accounts.tests.factories import UserFactory

    state_ig = UserFactory.create(username="state-ig")
    RoleGrant.objects.create(user=state_ig, role="overseer", agency=None)
    foreign = ActivityFactory.create(
        agency=AgencyFactory.create(ori_code="CA0370000"),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 1, 2),
    )
    client = Client()
    client.force_login(state_ig)
    assert client.get(f"/api/v1/activities/{foreign.pk}").status_code == 200
    assert client.get(f"/activities/{foreign.pk}/").status_code == 200


def test_another_agencys_activities_never_appear_in_lists(world: World) -> None:
    client = Client()
    client.force_login(world.users["outsider"])
    assert client.get("/api/v1/activities").json()["count"] == 0
    page = client.get("/activities/?q=aviation")
    assert b"Police Aviation Convention" not in page.content
    assert b"Airborne Tactics Seminar" not in page.content


def test_an_employee_lists_only_their_own_activities(world: World) -> None:
    client = Client()
    client.force_login(world.users["employee"])
    items = client.get("/api/v1/activities").json()["items"]
    # Their own request, and a colleague's they take part in; nobody else's.
    assert {item["id"] for item in items} == {world.draft.pk, world.colleagues_request.pk}
    page = client.get("/activities/")
    assert b"Police Aviation Convention" in page.content
    assert b"Airborne Tactics Seminar" not in page.content


def test_an_employee_may_not_browse_the_people_lists_through_either_door(world: World) -> None:
    client = Client()
    client.force_login(world.users["employee"])
    assert client.get("/people/employees/").status_code == 403
    assert client.get("/api/v1/employees").status_code == 403
    # ...but opens their own record through both.
    assert client.get(f"/people/employees/{world.me.pk}/").status_code == 200
    assert client.get(f"/api/v1/employees/{world.me.pk}").status_code == 200
