"""No URL ships unclassified (STYLE.md rule 9).

Walk the whole URLconf and ask every route with every method it accepts (GET, POST, PUT,
PATCH, DELETE; a 405 means "not accepted"), first anonymously, then as every persona.

- Anonymous: a route must either be on the public allow-list below, or refuse: pages
  redirect to the sign-in page, the API answers 401, the admin redirects to its sign-in.
- Every persona: no route answers a server error, every API answer is JSON, and every
  answer carries the Content-Security-Policy (ADR 0020).
- Another agency's coordinator (``outsider``) and an employee asking for records that are
  not theirs: every route naming one of those records answers 404 (or 405), never its data.

Ids in routes are filled with real records, chosen by the segment before the id
(``activities/<id>`` → an activity). A new kind of id fails the walk until it is added to
``ID_KINDS``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.accounts.models import ApiToken, User, UserSession
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.exchange.services import import_batch_create
from liaison.exchange.tests.helpers import GOOD, csv_bytes
from liaison.funding.models import Form801
from liaison.funding.tests.factories import ContributionFactory
from liaison.outcomes.models import NothingAdopted
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    PolicyFactory,
    RecommendationFactory,
)
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.reports.models import ReportAttachment
from liaison.reports.tests.factories import ReportFactory
from liaison.retention.models import LegalHold, Tombstone
from liaison.security.tests.factories import advisory, done_assessment
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory

METHODS = ("get", "post", "put", "patch", "delete")

# Routes anyone may reach: the reason, and what an anonymous GET answers.
PUBLIC_ROUTES: dict[str, tuple[str, int]] = {
    "/healthz": ("load-balancer liveness; reveals nothing", 200),
    "/accounts/login/": ("the sign-in page", 200),
    "/accounts/logout/": ("signing out is harmless; POST only", 405),
    # ADR 0021: the sign-in's second step and single sign-on are reached before anyone is
    # signed in; without a pending sign-in (or with SSO not configured) they send the
    # browser back to the sign-in page.
    "/accounts/login/code/": ("sign-in's MFA step; needs a password given first", 302),
    "/accounts/oidc/login/": ("goes to the identity provider (or back to sign-in)", 302),
    "/accounts/oidc/callback/": ("the identity provider's answer, checked by Authlib", 302),
    "/api/v1/openapi.json": ("the API description is public documentation", 200),
    "/api/v1/docs": ("interactive API documentation (calls still need a token)", 200),
    "/admin/login/": ("sends to the sign-in page, which has the MFA step (ADR 0021)", 302),
    "/admin/logout/": ("Django admin sign-out; GET redirects to the admin", 302),
    "/api/v1/": ("django-ninja's root route; answers 404 with nothing in it", 404),
}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route


def _concrete(route: str) -> str:
    """Turn a route pattern into a URL with sample arguments."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<(?:int:)?[a-z_]+>", "1", route)
    route = re.sub(r"<path:[a-z_]+>", "x", route)
    route = re.sub(r"<(?:str|slug):[a-z_]+>", "x", route)
    route = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route)
    route = route.replace("\\", "")
    return "/" + route


ALL_URLS = sorted({_concrete(r) for r in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_routes_we_know() -> None:
    # Guards the walker itself: if it found nothing, every other assertion would be vacuous.
    for expected in (
        "/activities/",
        "/activities/1/",
        "/api/v1/activities",
        "/oversight/",
        "/people/employees/1/",
        "/api/v1/oversight/summary",
    ):
        assert expected in ALL_URLS, expected


@pytest.mark.django_db
@pytest.mark.parametrize("url", ALL_URLS)
def test_every_route_is_public_or_refuses_anonymous_callers(url: str) -> None:
    if url in PUBLIC_ROUTES:
        return
    client = Client()
    for method in METHODS:
        response = getattr(client, method)(url)
        status = response.status_code
        assert response.has_header("Content-Security-Policy"), (method, url)
        if url.startswith("/admin/"):
            assert status in (302, 404, 405), (method, url, status)
            if status == 302:
                assert response["Location"].startswith("/admin/login/"), (method, url)
        elif url.startswith("/api/"):
            assert status in (401, 405), (method, url, status)
            assert response["Content-Type"].startswith("application/json"), (method, url)
        else:
            assert status in (302, 405), (method, url, status)
            if status == 302:
                assert response["Location"].startswith("/accounts/login/"), (method, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_anonymous_callers(url: str) -> None:
    assert Client().get(url).status_code == PUBLIC_ROUTES[url][1]


# The segment before an id in a route, and the kind of record the id names.
ID_KINDS: dict[str, str] = {
    "activities": "activity",
    "approval-policies": "agency",
    "participants": "participation",
    # The approval rules of an agency; the policy library's entries are "policies" too,
    # told apart by the segment before (``approvals/policies/<agency>``).
    "approvals/policies": "agency",
    "policies": "policy",
    "recommendations": "recommendation",
    "adoptions": "adoption",
    "statements": "statement",
    "employees": "employee",
    "external": "external",
    "external-persons": "external",
    "organisations": "organisation",
    "tokens": "token",
    "sessions": "session",
    "contacts": "contact",
    "trainees": "trainee",
    "requests": "vetting",
    "countries": "country",
    "locations": "location",
    "assessments": "assessment",
    "risk-assessments": "assessment",
    "reports": "report",
    "attachments": "attachment",
    "rules": "agency",
    "report-policies": "agency",
    "funders": "funder",
    "contributions": "contribution",
    "forms-801": "form801",
    "1353": "period",
    "schedules": "agency",
    "holds": "hold",
    "tombstones": "tombstone",
    "imports": "import",
}
# Kinds every signed-in user may read in any agency (a deployment-wide registry).
# A 1353 reporting period is a half-year, not a record: every reader has one of their own.
SHARED_KINDS = {"organisation", "country", "period"}
# API answers that are files, not JSON, when they succeed (their errors are JSON).
FILE_ANSWERS = ("/pdf", "/xlsx", "/csv")
# A list's export answers a file (CSV by default) under /api/v1/exports/ (ADR 0025).
FILE_PREFIXES = ("/api/v1/exports/",)
_ID = re.compile(r"<(?:int:|str:)?([a-z_]+)>")


def _with_ids(route: str, ids: dict[str, int | str]) -> tuple[str, set[str]]:
    """The route with each id replaced by the record of its kind, and the kinds named."""
    parts = route.lstrip("^").rstrip("$").replace("\\Z", "").split("/")
    kinds: set[str] = set()
    for i, part in enumerate(parts):
        if _ID.fullmatch(part):
            pair = "/".join(parts[i - 2 : i]) if i > 1 else ""
            kind = ID_KINDS.get(pair) or ID_KINDS.get(parts[i - 1] if i else "")
            assert kind is not None, f"classify the id in {route!r}: add it to ID_KINDS"
            kinds.add(kind)
            parts[i] = str(ids[kind])
    return "/" + "/".join(parts), kinds


ROUTES = sorted(r for r in set(_walk(get_resolver().url_patterns)) if not r.startswith("admin/"))
PERSONAS = ["employee", "approver", "coordinator", "security", "reviewer", "overseer",
            "admin", "outsider"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_every_persona_without_error_or_leak(
    persona: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    agency = AgencyFactory.create(ori_code="CA0194200")
    other = AgencyFactory.create(ori_code="CA0190000")
    users = {role: user_with_role(role, agency, role) for role in PERSONAS[:-1]}
    users["outsider"] = user_with_role("coordinator", other, "outsider")
    me = EmployeeFactory.create(agency=agency, user=users["employee"])
    # Records of the persona's agency that are not the employee's own.
    activity = ActivityFactory.create(agency=agency, status="submitted")
    location = LocationFactory.create(activity=activity)
    participation = ParticipationFactory.create(activity=activity)
    colleague = EmployeeFactory.create(agency=agency)
    contact = ContactFactory.create(activity=activity)
    advisory("CA", 1, dt.date(2020, 1, 1))
    report = ReportFactory.create(activity=activity, created_by=users["coordinator"])
    attachment = ReportAttachment(
        report=report, filename="h.pdf", content_type="application/pdf", size=2,
        sha256="0" * 64, uploaded_by=users["coordinator"],
    )  # fmt: skip
    attachment.file.save("h.pdf", ContentFile(b"hi"), save=True)
    contribution = ContributionFactory.create(activity=activity)
    rec = RecommendationFactory.create(report__activity=activity)
    DecisionFactory.create(recommendation=rec)
    statement_activity = ActivityFactory.create(agency=agency)
    hold = LegalHold.objects.create(
        agency=agency, scope="agency", scope_label=agency.name, reason="IG review",
        placed_by=users["overseer"], placed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    tombstone = Tombstone.objects.create(
        agency=agency, record_type="activity", record_number=10**9, title="Gone",
        start_date=dt.date(2015, 1, 1), end_date=dt.date(2015, 1, 2), status="completed",
        origin="imported", schedule_years=5, schedule_authority="GRS",
        due_on=dt.date(2020, 1, 2), destroyed_by=users["coordinator"],
        destroyed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), content_sha256="0" * 64,
    )  # fmt: skip
    batch = import_batch_create(
        actor=users["coordinator"], agency=agency, file_name="legacy.csv",
        content=csv_bytes([GOOD]),
    )  # fmt: skip
    ids: dict[str, int | str] = {
        "hold": hold.pk,
        "tombstone": tombstone.pk,
        "report": report.pk,
        "attachment": attachment.pk,
        "funder": contribution.funder_id,
        "contribution": contribution.pk,
        "form801": Form801.objects.create(
            agency=agency, contribution=contribution, official_use="Training."
        ).pk,
        "period": "2024-04-01",
        "import": batch.pk,
        "recommendation": rec.pk,
        "adoption": AdoptionFactory.create(recommendation=rec).pk,
        "statement": NothingAdopted.objects.create(
            agency=agency,
            activity=statement_activity,
            stated_on=dt.date(2024, 1, 2),
            statement="Nothing applies.",
            stated_by=users["coordinator"],
            stated_by_name="Clerk",
            stated_by_role="Coordinator",
        ).pk,
        "policy": PolicyFactory.create(agency=agency).pk,
        "contact": contact.pk,
        "trainee": TraineeFactory.create(activity__agency=agency).pk,
        "vetting": VettingFactory.create(contact=contact).pk,
        "country": "CA",
        "location": location.pk,
        "assessment": done_assessment(location, users["security"]).pk,
        "activity": activity.pk,
        "participation": participation.pk,
        "agency": agency.pk,
        "employee": colleague.pk,
        "external": ExternalPersonFactory.create(agency=agency).pk,
        "organisation": OrganisationFactory.create().pk,
        "token": ApiToken.objects.create(
            user=users["coordinator"],
            name="t",
            prefix="lsn_x",
            digest="0" * 64,
            expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        ).pk,
        # A browser session of the coordinator's (ADR 0021), as the sessions list shows.
        "session": UserSession.objects.create(
            user=users["coordinator"],
            session_key="walk" * 8,
            started_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            last_activity=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ).pk,
    }
    user: User = users[persona]
    walker = Client(raise_request_exception=False)
    for route in ROUTES:
        url, kinds = _with_ids(route, ids)
        for method in METHODS:
            if url == "/accounts/logout/":
                continue  # would sign the walker out half-way
            walker.force_login(user)
            response = getattr(walker, method)(url)
            status = response.status_code
            assert status < 500, (persona, method, url, status)
            # Every answer, page or API, error or not, carries the Content-Security-Policy:
            # the site's, or a stricter one (a report attachment is sent sandboxed, with
            # nothing allowed).
            policy = response.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy or policy.startswith("default-src 'none'"), (
                persona, method, url, policy)  # fmt: skip
            # File downloads (a report's attachment, the printable records' PDFs, funding's
            # XLSX, the lists' exports) are the API answers that are not JSON.
            download = status == 200 and url.startswith("/api/v1/reports/attachments/")
            is_file = (
                url.endswith(FILE_ANSWERS) or url.startswith(FILE_PREFIXES)
            ) and status == 200
            if (
                url.startswith("/api/")
                and url not in ("/api/v1/docs",)
                and not download
                and not is_file
            ):
                assert response["Content-Type"].startswith("application/json"), (
                    persona, method, url, status)  # fmt: skip
            private = kinds - SHARED_KINDS
            strangers = persona == "outsider" or (persona == "employee" and private)
            if strangers and private and status != 405:
                # The token belongs to the coordinator: for everyone else it is a stranger's.
                if persona == "coordinator":
                    continue
                # 422: a write with no body is refused by its schema before any record is
                # looked up, so it says nothing about whether this one exists.
                assert status in (404, 422), (persona, method, url, status)
    assert me.pk  # the employee's own record exists, so "not theirs" is a real choice


# Where a user whose role requires MFA, and who has not enrolled yet, may still go.
MFA_ENROLMENT = ("/accounts/mfa/", "/accounts/logout/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["security", "overseer", "admin"])
def test_a_role_that_requires_mfa_reaches_only_enrolment_until_enrolled(
    role: str, settings: Any
) -> None:
    # ADR 0021: the suite's personas have MFA_REQUIRED_ROLES emptied (root conftest.py);
    # here it is the production default. Every route but enrolment and signing out: pages
    # (the admin's too) send the user to enrol, the API answers 403.
    settings.MFA_REQUIRED_ROLES = ["security", "overseer", "admin"]
    agency = AgencyFactory.create(ori_code="CA0194200")
    user = user_with_role(role, agency, role)
    client = Client()
    client.force_login(user)
    for url in ALL_URLS:
        if url.startswith(MFA_ENROLMENT):
            continue
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 403, (role, url, response.status_code)
        else:
            assert (response.status_code, response["Location"]) == (302, "/accounts/mfa/"), (
                role, url)  # fmt: skip
    assert client.get("/accounts/mfa/").status_code == 200
    assert client.get("/accounts/mfa/setup/").status_code == 200
