"""The authentication log (issue 10, part 6): every authentication event leaves a row
saying who, when, from where and with what outcome; overseers and administrators read it
on a page, in the API and as CSV; nobody can change it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.test import Client

from conftest import PASSWORD, client_for
from liaison.accounts.models import Agency, AuthEvent, AuthEventKind, User
from liaison.accounts.services import role_grant, role_revoke
from liaison.accounts.tests.factories import user_with_role

UA = "Mozilla/5.0 (test browser)"


def kinds(**filters: Any) -> list[str]:
    return list(AuthEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def test_sign_in_sign_out_and_a_failure_are_logged_with_address_and_browser(clerk: User) -> None:
    client = Client(HTTP_USER_AGENT=UA)
    client.post(
        "/accounts/login/", {"username": "clerk", "password": "nope"}, REMOTE_ADDR="10.0.0.7"
    )
    client.post(
        "/accounts/login/", {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.7")
    events = list(AuthEvent.objects.filter(user=clerk).order_by("id"))
    assert [(e.kind, e.success) for e in events] == [
        (AuthEventKind.SIGN_IN_FAILED, False),
        (AuthEventKind.SIGN_IN, True),
        (AuthEventKind.SIGN_OUT, True),
    ]
    assert {(e.ip_address, e.user_agent, e.username) for e in events} == {("10.0.0.7", UA, "clerk")}


def test_a_failure_for_a_name_that_matches_no_account_is_logged_without_a_user(db: None) -> None:
    Client().post("/accounts/login/", {"username": "ghost", "password": "nope"})
    event = AuthEvent.objects.get()
    assert (event.kind, event.user, event.username) == (AuthEventKind.SIGN_IN_FAILED, None, "ghost")


def test_role_grants_and_revocations_are_logged_naming_the_administrator(
    clerk: User, administrator: User, agency: Agency
) -> None:
    grant = role_grant(actor=administrator, user=clerk, role="approver", agency=agency)
    role_revoke(actor=administrator, grant=grant)
    events = list(AuthEvent.objects.filter(user=clerk).order_by("id"))
    assert [e.kind for e in events] == [AuthEventKind.ROLE_GRANTED, AuthEventKind.ROLE_REVOKED]
    assert {e.actor for e in events} == {administrator}
    assert "Approver in Metro Police Department" in events[0].detail


def test_the_log_cannot_be_changed_or_deleted(clerk: User) -> None:
    Client().post("/accounts/login/", {"username": "clerk", "password": "nope"})
    event = AuthEvent.objects.get()
    event.detail = "nothing happened"
    with pytest.raises(ProtectedError):
        event.save()
    with pytest.raises(ProtectedError):
        event.delete()
    with pytest.raises(ProtectedError):
        AuthEvent.objects.all().delete()
    with pytest.raises(ProtectedError):
        AuthEvent.objects.update(detail="")


@pytest.fixture
def logged(clerk: User, outsider: User) -> None:
    for username in ("clerk", "outsider", "ghost"):
        Client().post("/accounts/login/", {"username": username, "password": "nope"})


@pytest.mark.parametrize("persona", ["inspector", "administrator"])
def test_overseers_and_administrators_read_their_agencys_log_on_the_page_api_and_csv(
    logged: None, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    page = client.get("/accounts/auth-log/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "clerk" in text and "outsider" not in text and "ghost" not in text
    api = client.get("/api/v1/auth-events?kind=sign_in_failed").json()
    assert {e["username"] for e in api["items"]} == {"clerk"}
    assert api["items"][0]["success"] is False
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/accounts/auth-log.csv?kind=sign_in_failed").streaming_content  # type: ignore[attr-defined]
                ).decode()
            )
        )
    )  # type: ignore[arg-type]
    assert [(r["kind"], r["username"], r["success"]) for r in rows] == [
        ("sign_in_failed", "clerk", "no")
    ]


def test_an_overseer_of_every_agency_reads_everything(logged: None, db: None) -> None:
    everywhere = user_with_role("overseer", None, "state-inspector")
    api = client_for(everywhere).get("/api/v1/auth-events?kind=sign_in_failed").json()
    assert {e["username"] for e in api["items"]} == {"clerk", "outsider", "ghost"}


@pytest.mark.parametrize(
    "persona", ["clerk", "commander", "security_officer", "reviewer", "employee_user"]
)
def test_other_roles_may_not_read_the_log(
    logged: None, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/accounts/auth-log/").status_code == 403
    assert client.get("/accounts/auth-log.csv").status_code == 403
    assert client.get("/api/v1/auth-events").status_code == 403
