"""The demo's contacts and vetting: what the source files say, loaded through the
services (ADR 0016)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.demo.steps import STEPS
from liaison.demo.steps import registry as build
from liaison.demo.steps import vetting as step
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
from liaison.vetting.selectors import contact_list, unvetted_trainees
from liaison.vetting.workflow import VettingStatus, trainees_vetted

UAE_TITLE = "Police Academy Course for United Arab Emirates Ministry of Interior Officers"
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), FAST_HASHING, transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: None, db: None) -> Agency:
    return Agency.objects.get(ori_code=build.AGENCY_ORI)


def test_the_vetting_step_runs_after_the_registry() -> None:
    assert STEPS.index(step.load) > STEPS.index(build.load)


def test_vetting_requests_in_every_status(demo: Agency) -> None:
    statuses = set(VettingRequest.objects.filter(agency=demo).values_list("status", flat=True))
    assert statuses == set(VettingStatus.values)


def test_new_activities_carry_the_contacts_and_a_late_report_is_flagged(demo: Agency) -> None:
    security = User.objects.get(username="security")
    today = dt.date(2026, 11, 25)
    late = contact_list(user=security, report="late", today=today)
    assert [c.party_name for c in late] == ["Yael Ben-Ami"]
    assert late[0].report.text == "reported 9 business days after return (late)"  # type: ignore[attr-defined]
    overdue = contact_list(user=security, report="overdue", today=today)
    assert [c.party_name for c in overdue] == ["Guardia Nacional"]
    assert {c.activity.start_date.year for c in Contact.objects.filter(agency=demo)} == {2025}


def test_the_uae_course_shows_five_trainees_and_no_vetting_on_record(demo: Agency) -> None:
    course = Activity.objects.get(agency=demo, title=UAE_TITLE)
    trainees = InboundTrainee.objects.filter(activity=course)
    assert trainees.count() == 5
    assert {t.sponsoring_organisation.name for t in trainees if t.sponsoring_organisation} == {
        "Ministry of Interior"
    }
    assert not VettingRequest.objects.filter(trainee__activity=course).exists()
    assert {t.recommended_by for t in trainees} == {""}
    assert trainees_vetted(course) is False


def test_the_december_course_flags_its_unvetted_trainees(demo: Agency) -> None:
    security = User.objects.get(username="security")
    flags = unvetted_trainees(user=security, today=dt.date(2026, 11, 25))
    assert [(f.name, f.days, f.state) for f in flags] == [
        ("Diana Marcela Rojas", 12, "requested"),
        ("Jhon Jairo Mosquera", 12, "denied"),
    ]


def test_contacts_and_vetting_are_recorded_by_the_security_officer(demo: Agency) -> None:
    row = VettingRequest.objects.get(reference="LEGAT-WAR-25-018").history.latest()
    assert row.history_user.username == "security"
