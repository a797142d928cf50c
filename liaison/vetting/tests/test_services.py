"""Contacts, trainees and vetting through the services: the rules, the bad input the
issue names (unknown country, expiry before request), and the declared vetting table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.tests.factories import ExternalPersonFactory, OrganisationFactory
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
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
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory
from liaison.vetting.workflow import TRANSITIONS, VettingStatus, trainees_vetted

# A trip to Abu Dhabi that ended on Friday 5 May 2023.
START, END = dt.date(2023, 5, 1), dt.date(2023, 5, 5)


@pytest.fixture
def trip(agency: Agency) -> object:
    return ActivityFactory.create(agency=agency, start_date=START, end_date=END)


def contact_input(agency: Agency, **overrides: object) -> ContactInput:
    values: dict[str, object] = dict(
        external_person=ExternalPersonFactory.create(agency=agency, full_name="Khalid Al Mansoori"),
        circumstance="trained_us",
        met_on=START,
        country="AE",
        role_at_time="Colonel, instructor",
        email="k@example.org",
    )
    values.update(overrides)
    return ContactInput(**values)  # type: ignore[arg-type]


def test_a_security_officer_records_a_contact_linked_to_the_registry(
    security_officer: User, agency: Agency, trip: object
) -> None:
    data = contact_input(agency)
    contact = contact_create(actor=security_officer, activity=trip, data=data)  # type: ignore[arg-type]
    assert contact.external_person == data.external_person
    assert contact.agency == agency
    assert contact.history.get().history_user == security_officer


def test_it_records_an_organisation_as_a_contact(
    security_officer: User, agency: Agency, trip: object
) -> None:
    org = OrganisationFactory.create(name="Abu Dhabi Police", country="AE")
    contact = contact_create(
        actor=security_officer,
        activity=trip,  # type: ignore[arg-type]
        data=contact_input(agency, external_person=None, organisation=org),
    )
    assert contact.kind == "organisation" and contact.party_name == "Abu Dhabi Police"


def test_it_rejects_an_unknown_country_naming_the_field_and_saves_nothing(
    security_officer: User, agency: Agency, trip: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=security_officer,
            activity=trip,  # type: ignore[arg-type]
            data=contact_input(agency, country="ZZ"),
        )
    assert "Unknown country" in caught.value.message_dict["country"][0]
    assert Contact.objects.count() == 0


def test_it_rejects_both_a_person_and_an_organisation(
    security_officer: User, agency: Agency, trip: object
) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=security_officer,
            activity=trip,  # type: ignore[arg-type]
            data=contact_input(agency, organisation=OrganisationFactory.create()),
        )
    assert "external_person" in caught.value.message_dict
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("persona", ["clerk", "inspector", "commander", "administrator"])
def test_only_security_officers_record_contacts(
    persona: str, request: pytest.FixtureRequest, agency: Agency, trip: object
) -> None:
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden):
        contact_create(actor=user, activity=trip, data=contact_input(agency))  # type: ignore[arg-type]
    assert Contact.objects.count() == 0


def test_marking_a_contact_reported_before_it_was_met_is_refused(
    security_officer: User, agency: Agency
) -> None:
    contact = ContactFactory.create(activity__agency=agency, activity__start_date=START,
                                    activity__end_date=END)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        contact_update(
            actor=security_officer, contact=contact, reported_on=START - dt.timedelta(days=1)
        )
    assert "reported_on" in caught.value.message_dict
    assert Contact.objects.get(pk=contact.pk).reported_on is None


# --- vetting requests -----------------------------------------------------------------


def vetting_input(**overrides: object) -> VettingInput:
    values: dict[str, object] = dict(
        channel="investc", sent_on=dt.date(2023, 5, 10), reference="INV-23-114"
    )
    values.update(overrides)
    return VettingInput(**values)  # type: ignore[arg-type]


def test_an_expiry_before_the_request_is_refused_naming_the_field(
    security_officer: User, agency: Agency
) -> None:
    contact = ContactFactory.create(activity__agency=agency)
    with pytest.raises(ValidationError) as caught:
        vetting_request_create(
            actor=security_officer,
            subject=contact,
            data=vetting_input(expires_on=dt.date(2023, 5, 1)),
        )
    assert caught.value.message_dict["expires_on"] == [
        "The expiry must be after the date the request was sent (2023-05-10)."
    ]
    assert VettingRequest.objects.count() == 0


def test_other_channel_must_be_named(security_officer: User, agency: Agency) -> None:
    contact = ContactFactory.create(activity__agency=agency)
    with pytest.raises(ValidationError) as caught:
        vetting_request_create(
            actor=security_officer, subject=contact, data=vetting_input(channel="other")
        )
    assert "channel_detail" in caught.value.message_dict


def test_a_request_starts_requested_and_is_attributed(
    security_officer: User, agency: Agency
) -> None:
    contact = ContactFactory.create(activity__agency=agency)
    vetting = vetting_request_create(actor=security_officer, subject=contact, data=vetting_input())
    assert vetting.status == VettingStatus.REQUESTED
    assert vetting.history.get().history_user == security_officer


ALL_NAMES = sorted({t.name for t in TRANSITIONS})
ALLOWED = {(t.source, t.name): t.target for t in TRANSITIONS}


@pytest.mark.parametrize("source", list(VettingStatus))
@pytest.mark.parametrize("name", ALL_NAMES)
def test_the_vetting_transition_table_exhaustively(
    security_officer: User, agency: Agency, source: VettingStatus, name: str
) -> None:
    vetting = VettingFactory.create(
        contact__activity__agency=agency, status=source, source_document="Embassy cable 23-114"
    )
    target = ALLOWED.get((source, name))
    if target is None:
        with pytest.raises(InvalidTransition):
            vetting_request_transition(
                actor=security_officer, vetting=vetting, name=name, reason="Because."
            )
        assert VettingRequest.objects.get(pk=vetting.pk).status == source
    else:
        moved = vetting_request_transition(
            actor=security_officer,
            vetting=vetting,
            name=name,
            reason="Because.",
            decided_on=dt.date(2023, 6, 1),
        )
        assert moved.status == target
        assert VettingRequest.objects.get(pk=vetting.pk).decided_on == dt.date(2023, 6, 1)


def test_approval_without_a_source_document_is_refused_with_the_guards_sentence(
    security_officer: User, agency: Agency
) -> None:
    vetting = VettingFactory.create(contact__activity__agency=agency)
    with pytest.raises(InvalidTransition) as caught:
        vetting_request_transition(actor=security_officer, vetting=vetting, name="approve")
    assert "source document" in caught.value.message
    assert VettingRequest.objects.get(pk=vetting.pk).status == "requested"


def test_a_decision_with_an_expiry_before_the_request_changes_nothing(
    security_officer: User, agency: Agency
) -> None:
    vetting = VettingFactory.create(contact__activity__agency=agency)
    with pytest.raises(ValidationError) as caught:
        vetting_request_transition(
            actor=security_officer,
            vetting=vetting,
            name="approve",
            source_document="Cable",
            decided_on=dt.date(2023, 5, 1),
            expires_on=dt.date(2023, 1, 1),
        )
    assert "expires_on" in caught.value.message_dict
    stored = VettingRequest.objects.get(pk=vetting.pk)
    assert (stored.status, stored.expires_on, stored.source_document) == ("requested", None, "")


def test_denial_needs_a_reason(security_officer: User, agency: Agency) -> None:
    vetting = VettingFactory.create(contact__activity__agency=agency)
    with pytest.raises(ValidationError) as caught:
        vetting_request_transition(actor=security_officer, vetting=vetting, name="deny")
    assert "reason" in caught.value.message_dict


def test_a_long_denial_reason_is_kept_whole_on_both_databases(
    security_officer: User, agency: Agency
) -> None:
    """History's change-reason column holds 100 characters (PostgreSQL enforces it): the
    reason lives in the notes, whole, and the history row names the move."""
    vetting = VettingFactory.create(contact__activity__agency=agency)
    reason = "The embassy's cable names an open investigation into the unit. " * 5
    vetting_request_transition(
        actor=security_officer,
        vetting=vetting,
        name="deny",
        reason=reason,
        decided_on=dt.date(2023, 6, 1),
    )
    stored = VettingRequest.objects.get(pk=vetting.pk)
    assert stored.status == "denied"
    assert reason.strip() in stored.notes
    latest = stored.history.latest()  # type: ignore[attr-defined]
    assert reason.strip() in latest.notes
    assert len(latest.history_change_reason) <= 100


def test_an_overseer_may_not_decide(inspector: User, agency: Agency) -> None:
    vetting = VettingFactory.create(contact__activity__agency=agency, source_document="Cable")
    with pytest.raises(Forbidden):
        vetting_request_transition(actor=inspector, vetting=vetting, name="approve")


# --- inbound trainees -----------------------------------------------------------------


def test_trainees_only_on_inbound_courses(security_officer: User, agency: Agency) -> None:
    outbound = ActivityFactory.create(agency=agency, direction="outbound")
    person = ExternalPersonFactory.create(agency=agency)
    with pytest.raises(ValidationError) as caught:
        trainee_create(
            actor=security_officer, activity=outbound, data=TraineeInput(external_person=person)
        )
    assert "activity" in caught.value.message_dict
    assert InboundTrainee.objects.count() == 0


def test_a_trainee_is_vetted_only_by_a_current_approval_on_the_first_day(
    security_officer: User, agency: Agency
) -> None:
    course = ActivityFactory.create(
        agency=agency, direction="inbound", start_date=dt.date(2026, 12, 7),
        end_date=dt.date(2026, 12, 18),
    )  # fmt: skip
    person = ExternalPersonFactory.create(agency=agency)
    ParticipationFactory.create(activity=course, employee=None, external_person=person,
                                role="trainee")  # fmt: skip
    assert trainees_vetted(course) is False  # a trainee participant with no intake record
    trainee = trainee_create(
        actor=security_officer,
        activity=course,
        data=TraineeInput(external_person=person, language="English", language_level="2+"),
    )
    assert trainees_vetted(course) is False  # no vetting yet
    vetting = vetting_request_create(
        actor=security_officer,
        subject=trainee,
        data=vetting_input(sent_on=dt.date(2026, 10, 1), source_document="Embassy note"),
    )
    vetting_request_transition(
        actor=security_officer, vetting=vetting, name="approve",
        decided_on=dt.date(2026, 11, 2), expires_on=dt.date(2026, 12, 7),
    )  # fmt: skip
    # Expires on the first day of the course: no longer counts that day.
    assert trainees_vetted(course) is False
    VettingRequest.objects.filter(pk=vetting.pk).update(expires_on=dt.date(2027, 11, 2))
    assert trainees_vetted(course) is True


def test_outbound_activities_have_no_trainees_to_vet(agency: Agency) -> None:
    assert trainees_vetted(ActivityFactory.create(agency=agency)) is True


def test_trainee_factory_builds_an_inbound_trainee(agency: Agency) -> None:
    trainee = TraineeFactory.create(activity__agency=agency)
    assert trainee.activity.direction == "inbound"


def test_an_edit_that_changes_nothing_writes_no_history(
    security_officer: User, agency: Agency
) -> None:
    contact = ContactFactory.create(activity__agency=agency, role_at_time="Instructor")
    contact_update(actor=security_officer, contact=contact, role_at_time="Instructor")
    assert contact.history.count() == 1  # the factory's row only
    contact_update(actor=security_officer, contact=contact, role_at_time="Course director")
    assert contact.history.count() == 2


@pytest.mark.parametrize("code", ["²", "A", "ÄÖ", "1"])
def test_a_country_that_is_not_even_a_code_is_a_field_error_not_a_crash(
    security_officer: User, agency: Agency, trip: object, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=security_officer,
            activity=trip,  # type: ignore[arg-type]
            data=contact_input(agency, country=code),
        )
    assert "country" in caught.value.message_dict
