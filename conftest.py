"""Personas shared by every test (STYLE.md rule 8).

``agency`` is the department under test; ``other_agency`` is a second department whose
records our personas must never see. Each persona is a signed-in user with one role:
clerk (coordinator), commander (approver), inspector (overseer of ``agency``), employee,
security, reviewer, admin, and outsider (coordinator of ``other_agency``).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Full-strength hashing costs ~0.3 s per persona; tests check access, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def generous_api_rate_limits(settings: Any) -> None:
    # The URL walk and the schemathesis run send hundreds of API requests a minute from one
    # address; the rate-limit tests (liaison/accounts/tests/test_rate_limits.py) lower these.
    settings.API_RATE_LIMIT_ADDRESS = 1_000_000
    settings.API_RATE_LIMIT_TOKEN = 1_000_000


@pytest.fixture(autouse=True)
def mfa_not_required(settings: Any) -> None:
    # In production the security officer, overseer and administrator roles reach nothing
    # until they enrol in MFA (MFA_REQUIRED_ROLES, ADR 0021). The personas of the other
    # tests sign in with a password only; the MFA tests (liaison/accounts/tests/test_mfa.py,
    # and the URL walk's own MFA test) turn the requirement back on.
    settings.MFA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def force_login_counts_as_signing_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # A real sign-in marks the session as just authenticated (accounts.reauth, ADR 0021),
    # which opens the sensitive actions (legal holds, API tokens) for REAUTH_MINUTES. The
    # test client's force_login skips the sign-in view, so it marks the session the same
    # way here. The re-authentication tests make the mark stale on purpose
    # (liaison/accounts/tests/test_reauth.py, liaison/retention/tests).
    from liaison.accounts.reauth import AUTH_AT

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[AUTH_AT] = int(time.time())
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session", autouse=True)
def plain_http() -> None:
    # Outside DEBUG every request is redirected to HTTPS (settings.py); the test client and
    # the browser tests' live server speak plain HTTP. Session-wide and before the live
    # server starts: SecurityMiddleware reads the setting once, when it is built.
    # tests/test_deployment.py turns the redirect back on where it is the thing under test.
    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session", autouse=True)
def flush_lifts_the_sqlite_audit_guard() -> Any:
    # Tests that use transactional_db (the browser tests' live server) end with a flush,
    # which on SQLite is a DELETE of every table; the audit guard (ADR 0023) refuses that
    # on the audit tables. PostgreSQL flushes with TRUNCATE, which the guard lets through.
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    import django.db.backends.sqlite3.base  # noqa: F401 (first: operations imports it back)
    from django.db.backends.sqlite3.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def flush(self: DatabaseOperations, sql_list: list[str]) -> None:
        self.connection.audit_guard_off = True  # type: ignore[attr-defined]
        try:
            original(self, sql_list)
        finally:
            self.connection.audit_guard_off = False  # type: ignore[attr-defined]

    DatabaseOperations.execute_sql_flush = flush  # type: ignore[method-assign,assignment]
    yield
    DatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def no_session_outlives_the_test_database(django_db_setup: None, django_db_blocker: Any) -> Any:
    # On PostgreSQL a test database cannot be dropped while another session is on it, and
    # pytest-django then only warns "being accessed by other users" without saying whose.
    # Before the drop (this fixture's teardown runs first: it depends on django_db_setup),
    # name each session still there in a warning and end it, so the next run starts clean.
    yield
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    import threading
    import warnings

    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, client_port, left(query, 200) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        left = cursor.fetchall()
        # A thread of this worker still alive (a live server's, a test's) is the likeliest
        # owner: name them too.
        threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        for pid, application, state, started, port, query in left:
            warnings.warn(
                f"a session outlived the tests on {connection.settings_dict['NAME']}: pid {pid}, "
                f"application {application!r}, client port {port}, {state}, since {started}, "
                f"last query {query!r}; threads alive in this worker: {threads}",
                stacklevel=1,
            )
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])


@pytest.fixture
def agency(db: None) -> Agency:
    return AgencyFactory.create(name="Metro Police Department", ori_code="CA0194200")


@pytest.fixture
def other_agency(db: None) -> Agency:
    return AgencyFactory.create(name="County Sheriff's Department", ori_code="CA0190000")


@pytest.fixture
def clerk(agency: Agency) -> User:
    return user_with_role("coordinator", agency, "clerk")


@pytest.fixture
def commander(agency: Agency) -> User:
    return user_with_role("approver", agency, "commander")


@pytest.fixture
def inspector(agency: Agency) -> User:
    return user_with_role("overseer", agency, "inspector")


@pytest.fixture
def security_officer(agency: Agency) -> User:
    return user_with_role("security", agency, "security")


@pytest.fixture
def reviewer(agency: Agency) -> User:
    return user_with_role("reviewer", agency, "reviewer")


@pytest.fixture
def administrator(agency: Agency) -> User:
    return user_with_role("admin", agency, "administrator")


@pytest.fixture
def employee_user(agency: Agency) -> User:
    return user_with_role("employee", agency, "officer")


@pytest.fixture
def employee_record(agency: Agency, employee_user: User) -> Employee:
    return EmployeeFactory.create(
        agency=agency,
        user=employee_user,
        first_name="Dana",
        last_name="Reyes",
        serial_number="41234",
    )


@pytest.fixture
def outsider(other_agency: Agency) -> User:
    return user_with_role("coordinator", other_agency, "outsider")


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
