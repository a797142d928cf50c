"""The choke point through which evaluation reports, their attachments and the report
rules reach a user (ADR 0017).

Who sees a report: everyone who reads the agency's activities (approvers, higher
command, coordinators, security officers, policy reviewers, overseers, administrators)
sees all of the agency's reports, drafts included (the overdue list is about drafts);
an employee sees only the reports they are an author of (or started). Anyone else gets
``NotFound``, the same answer as for a report that does not exist, on pages and in the
API. Who edits: the authors, while the report is a draft or returned. Who reviews: the
agency's supervisors — approvers and higher command (there is no supervisor link in the
people model; the ADR says why this is the supervisor) — never an author of the report.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q, QuerySet

from liaison.accounts.access import (
    AGENCY_READERS,
    REFERENCE_EDITORS,
    has_role,
    in_scope,
    scope_for,
    scope_q,
)
from liaison.accounts.models import Agency, Role
from liaison.core.errors import Forbidden, NotFound
from liaison.reports.models import EvaluationReport, ReportAttachment
from liaison.reports.workflow import EDITABLE_STATUSES

SUPERVISOR_ROLES = (Role.APPROVER, Role.COMMAND)
# Who may start a report for participants other than themselves.
REPORT_STARTERS = (Role.COORDINATOR,)

Action = Literal["view", "change", "review"]


def report_visibility_q(user: Any) -> Q:
    readers = scope_for(user, *AGENCY_READERS)
    own = scope_for(user, Role.EMPLOYEE)
    visible = Q(pk__in=[])
    if readers != frozenset():
        visible |= scope_q(readers)
    if own != frozenset():
        mine = Q(authors__participation__employee__user_id=user.pk) | Q(created_by_id=user.pk)
        visible |= scope_q(own) & mine
    return visible


def reports_visible_to(user: Any) -> QuerySet[EvaluationReport]:
    if not getattr(user, "is_authenticated", False):
        return EvaluationReport.objects.none()
    if scope_for(user, *AGENCY_READERS, Role.EMPLOYEE) == frozenset():
        return EvaluationReport.objects.none()
    ids = EvaluationReport.objects.filter(report_visibility_q(user)).values("pk")
    return EvaluationReport.objects.filter(pk__in=ids)


def is_author(user: Any, report: EvaluationReport) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return report.authors.filter(participation__employee__user_id=user.pk).exists()


def is_supervisor(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in SUPERVISOR_ROLES)


def edit_refusal(user: Any, report: EvaluationReport) -> Forbidden | None:
    """Why ``user`` may not edit ``report`` now, or ``None``: the access check and the
    services (on the locked row) both ask this."""
    if not is_author(user, report):
        return Forbidden("Only the authors of this report may edit it.")
    if report.status not in EDITABLE_STATUSES:
        return Forbidden(f"A report {report.get_status_display().lower()} can no longer be edited.")
    return None


def review_refusal(user: Any, report: EvaluationReport) -> Forbidden | None:
    if not is_supervisor(user, report.agency_id):
        return Forbidden("Only the agency's approvers and higher command review reports.")
    return None


def access_report(user: Any, pk: int, *, action: Action = "view") -> EvaluationReport:
    report = (
        reports_visible_to(user)
        .select_related("activity", "agency", "created_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound("No evaluation report with that id.")
    refusal = None
    if action == "change":
        refusal = edit_refusal(user, report)
    elif action == "review":
        refusal = review_refusal(user, report)
    if refusal is not None:
        raise refusal
    return report


def access_attachment(user: Any, pk: int) -> ReportAttachment:
    """An attachment is seen by exactly those who see its report."""
    attachment = (
        ReportAttachment.objects.filter(pk=pk, report__in=reports_visible_to(user))
        .select_related("report")
        .first()
    )
    if attachment is None:
        raise NotFound("No attachment with that id.")
    return attachment


def access_policy_agency(user: Any, agency_id: int) -> Agency:
    """The agency whose report rules ``user`` may read and edit: coordinators and
    administrators of it. Any other agency, or a missing one, is 404."""
    scope = scope_for(user, *REFERENCE_EDITORS)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None or not in_scope(scope, agency.pk):
        raise NotFound("No report rules with that agency id.")
    return agency


def can_start_reports(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in (*REPORT_STARTERS, Role.EMPLOYEE))


def require_tracker(user: Any) -> None:
    """The overdue and due-soon lists are for those who read an agency's reports."""
    if scope_for(user, *AGENCY_READERS) == frozenset():
        raise NotFound("Not found.")
