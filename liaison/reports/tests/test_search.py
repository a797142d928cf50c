"""Full-text search of reports and recommendations: "crowd control" finds the reports that
discuss it, most relevant first, with escaped snippets; the same test runs on SQLite
(FTS5) and PostgreSQL (tsvector) — ``make test-pg``."""

from __future__ import annotations

from typing import Any

from django.db import connection

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory
from liaison.reports.search import highlight
from liaison.reports.selectors import search_results
from liaison.reports.services import ReportInput, report_update
from liaison.reports.tests.helpers import full_input, started_report


def _report(user: User, employee: Employee, data: ReportInput) -> Any:
    report = started_report(user, employee)
    return report_update(actor=user, report=report, data=data)


def test_crowd_control_ranks_the_report_that_discusses_it_first(
    agency: Agency, commander: User, employee_user: User, employee_record: Employee
) -> None:
    other_user = user_with_role("employee", agency, "other")
    other = EmployeeFactory.create(agency=agency, user=other_user)
    third_user = user_with_role("employee", agency, "third")
    third = EmployeeFactory.create(agency=agency, user=third_user)
    passing = _report(other_user, other, ReportInput(
        key_takeaways="Mostly about cybercrime units; one session touched on crowd control.",
    ))  # fmt: skip
    focused = _report(employee_user, employee_record, full_input(
        key_takeaways="Crowd control at stadiums: crowd control starts with dialogue, and "
        "crowd control lines are held by fewer officers. <b>Crowd</b> control & kettling.",
        recommendations=["Adopt the partner's crowd control dialogue teams."],
    ))  # fmt: skip
    _report(third_user, third, ReportInput(key_takeaways="Body-worn video retention rules."))
    results = search_results(user=commander, query="crowd control")
    assert [r.report.pk for r in results] == [focused.pk, passing.pk]
    assert results[0].rank > results[1].rank
    snippet = str(results[0].snippet)
    assert "<mark>" in snippet
    # The report's own markup never comes through as markup; only our <mark> tags do.
    assert "<b>" not in snippet
    assert [r.text for r in results[0].recommendations] == [
        "Adopt the partner's crowd control dialogue teams."
    ]


def test_a_snippet_escapes_the_report_s_text_and_marks_only_the_matches(
    commander: User, employee_user: User, employee_record: Employee
) -> None:
    _report(employee_user, employee_record, ReportInput(
        key_takeaways='Crowd <script>alert("x")</script> control & kettling',
    ))  # fmt: skip
    snippet = str(search_results(user=commander, query="kettling")[0].snippet)
    assert "<script>" not in snippet
    assert "<mark>kettling</mark>" in snippet
    assert highlight("a <b>\x02x\x03</b> & c") == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; c"


def test_search_sees_only_what_the_user_may_see(
    employee_user: User, employee_record: Employee, outsider: User, commander: User
) -> None:
    _report(employee_user, employee_record, full_input())
    assert search_results(user=outsider, query="crowd control") == []
    assert len(search_results(user=commander, query="crowd control")) == 1
    # FTS syntax in user input is only words.
    assert search_results(user=commander, query='crowd" OR NEAR(*') is not None


def test_the_search_page_and_api_agree(
    commander: User, employee_user: User, employee_record: Employee
) -> None:
    report = _report(employee_user, employee_record, full_input())
    page = client_for(commander).get("/reports/search/", {"q": "crowd control"})
    assert page.status_code == 200
    assert f'href="/reports/{report.pk}/"' in page.content.decode()
    api = client_for(commander).get("/api/v1/reports/search", {"q": "crowd control"})
    assert [i["report"]["id"] for i in api.json()["items"]] == [report.pk]
    assert "<mark>" in api.json()["items"][0]["snippet"]
    assert connection.vendor in ("sqlite", "postgresql")
