"""Writes of evaluation reports: the agency's report rules, a report and its authors,
its content and recommendations, sign-off, attachments, the review moves, the import of
legacy reports and the daily reminders (ADR 0017).

Every write is keyword-only, names its ``actor`` (the reminder run is the system's own
and logs what it sent instead), re-checks that the actor may write (``access``), validates
first (bad input changes nothing and names its field), runs in one transaction and leaves
one history row per record written, attributed to the actor. Pages, the API and
``load_demo`` all come through here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.access import REFERENCE_EDITORS, has_role
from liaison.accounts.models import Agency, Role, User
from liaison.activities.models import Activity, Origin, Participation
from liaison.activities.services import topic_create
from liaison.core.audit import delete_audited, save_audited, save_audited_with_m2m
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.reports.access import (
    SUPERVISOR_ROLES,
    edit_refusal,
    is_author,
    is_supervisor,
)
from liaison.reports.models import (
    EvaluationReport,
    Recommendation,
    ReminderKind,
    ReminderSent,
    ReportAttachment,
    ReportAuthor,
    ReportPolicy,
    ReportReview,
    ReviewDecision,
)
from liaison.reports.selectors import (
    REPORTABLE_STATUSES,
    TrackingFilters,
    _owed_in_agency,
    policy_for_agency_id,
)
from liaison.reports.tasks import send_report_mail
from liaison.reports.workflow import (
    CHECKLIST_KEYS,
    TEXT_PARTS,
    ReportStatus,
    due_on_for,
    find_transition,
    transitions_from,
)
from liaison.vetting.models import Contact

MAX_RECOMMENDATIONS = 50
MAX_PART_LENGTH = 20_000


def _mail(to: list[str], subject: str, body: str) -> None:
    if to:
        transaction.on_commit(lambda: send_report_mail.enqueue(to=to, subject=subject, body=body))


def _link(report: EvaluationReport) -> str:
    return settings.SITE_URL + reverse("reports:detail", args=[report.pk])


def supervisors_of(agency_id: int, *, exclude: Sequence[int] = ()) -> list[User]:
    """Active approvers and higher command of the agency (the reviewers), minus ``exclude``."""
    return list(
        User.objects.filter(
            is_active=True,
            role_grants__role__in=SUPERVISOR_ROLES,
            role_grants__agency_id=agency_id,
        )
        .exclude(pk__in=list(exclude))
        .distinct()
        .order_by("pk")
    )


def _author_user_ids(report: EvaluationReport) -> list[int]:
    return [
        uid
        for uid in report.authors.values_list("participation__employee__user_id", flat=True)
        if uid is not None
    ]


def _emails(users: Sequence[Any]) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.email})


# --- the agency's rules ---------------------------------------------------------------------

POLICY_FIELDS = (
    "due_days",
    "due_soon_days",
    "reminder_interval_days",
    "escalate_after_days",
    "min_purpose",
    "min_itinerary",
    "min_key_takeaways",
    "min_practical_applications",
    "min_potential_benefits",
    "min_recommendations",
    "min_topics",
)
POLICY_LIMITS = {
    "due_days": (1, 365),
    "due_soon_days": (0, 90),
    "reminder_interval_days": (1, 90),
    "escalate_after_days": (0, 365),
    "min_recommendations": (0, 20),
    "min_topics": (0, 20),
}
TEXT_MINIMUM_LIMIT = (0, 5000)


@transaction.atomic
def report_policy_update(*, actor: Any, agency: Agency, **values: Any) -> ReportPolicy:
    """Replace ``agency``'s report rules with ``values`` (every field of ``POLICY_FIELDS``;
    coordinators and administrators of the agency, ``Forbidden`` otherwise). Each value is
    checked first; bad input changes nothing (``ValidationError`` by field). Rules apply
    from now on: the due date of a report already started stays as it was set."""
    if not any(has_role(actor, r, agency.pk) for r in REFERENCE_EDITORS):
        raise Forbidden("Only coordinators and administrators of this agency edit its rules.")
    unknown = set(values) - set(POLICY_FIELDS)
    errors: dict[str, list[str]] = {n: ["Unknown setting."] for n in sorted(unknown)}
    for name in POLICY_FIELDS:
        if name not in values:
            errors[name] = ["Give a value."]
            continue
        value = values[name]
        low, high = POLICY_LIMITS.get(name, TEXT_MINIMUM_LIMIT)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = [f"Give a whole number from {low} to {high}."]
    if errors:
        raise ValidationError(errors)
    policy = ReportPolicy.objects.select_for_update().filter(agency=agency).first()
    policy = policy or ReportPolicy(agency=agency)
    for name in POLICY_FIELDS:
        setattr(policy, name, values[name])
    save_audited(policy, actor=actor)
    return policy


# --- a report and its authors ---------------------------------------------------------------


def _check_participations(
    activity: Activity, participations: Sequence[Participation]
) -> list[Participation]:
    if not participations:
        raise ValidationError({"participations": ["Choose at least one participant."]})
    ids = sorted({p.pk for p in participations})
    rows = list(Participation.objects.filter(pk__in=ids).select_related("employee").order_by("id"))
    for p in rows:
        who = p.name_at_time or str(p)
        if p.activity_id != activity.pk or p.employee_id is None:
            raise ValidationError(
                {"participations": [f"{who} is not one of this activity's employees."]}
            )
        if p.withdrawn_at is not None:
            raise ValidationError({"participations": [f"{who} withdrew before the activity."]})
        if ReportAuthor.objects.filter(participation=p).exists():
            raise ValidationError(
                {"participations": [f"{who} is already an author of a report on this activity."]}
            )
    if len(rows) != len(ids):
        raise ValidationError({"participations": ["Unknown participant."]})
    return rows


@transaction.atomic
def report_create(
    *, actor: Any, activity: Activity, participations: Sequence[Participation]
) -> EvaluationReport:
    """Start a draft report on ``activity`` for ``participations`` (one, or several for a
    co-signed group report). A participant starts their own (they must be one of the
    authors); a coordinator of the agency may start one for any participants. The report
    is due the agency's reporting period after the activity's last day."""
    if activity.status not in REPORTABLE_STATUSES:
        raise ValidationError(
            {"activity": ["Reports are filed on activities that went ahead (approved or later)."]}
        )
    rows = _check_participations(activity, participations)
    own = any(p.employee and p.employee.user_id == actor.pk for p in rows)
    if not (
        has_role(actor, Role.COORDINATOR, activity.agency_id)
        or (own and has_role(actor, Role.EMPLOYEE, activity.agency_id))
    ):
        raise Forbidden("You may start a report only as one of its authors.")
    policy = policy_for_agency_id(activity.agency_id)
    report = EvaluationReport(
        agency_id=activity.agency_id,
        activity=activity,
        due_on=due_on_for(activity.end_date, policy.due_days),
        created_by=actor,
        search_text=_search_text(activity.title, {}, [], []),
    )
    save_audited(report, actor=actor)
    for p in rows:
        save_audited(ReportAuthor(report=report, participation=p), actor=actor)
    return report


@dataclass
class ReportInput:
    """The content of a report as its authors give it (everything optional in a draft)."""

    purpose: str = ""
    itinerary: str = ""
    key_takeaways: str = ""
    practical_applications: str = ""
    potential_benefits: str = ""
    topics: list[str] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    contacts_not_in_register: str = ""
    recommendations: list[str] = field(default_factory=list)


def _search_text(
    title: str, texts: dict[str, str], topics: Sequence[str], recommendations: Sequence[str]
) -> str:
    """What the full-text index reads: title, every part, topics and recommendations."""
    parts = [title, *(texts.get(name, "") for name, _, _ in TEXT_PARTS), *topics, *recommendations]
    return "\n".join(p for p in parts if p)


def _clean_recommendations(items: Sequence[str]) -> list[str]:
    cleaned = [" ".join(str(t).split()) if "\n" not in str(t) else str(t).strip() for t in items]
    cleaned = [t for t in cleaned if t]
    if len(cleaned) > MAX_RECOMMENDATIONS:
        raise ValidationError(
            {"recommendations": [f"At most {MAX_RECOMMENDATIONS} recommendations per report."]}
        )
    for index, text in enumerate(cleaned):
        if len(text) > 4000:
            raise ValidationError(
                {f"recommendations[{index}]": ["Keep a recommendation under 4,000 characters."]}
            )
    return cleaned


def _validate_content(
    report: EvaluationReport, data: ReportInput
) -> tuple[dict[str, str], list[Contact], list[str]]:
    texts = {name: (getattr(data, name) or "").strip() for name, _, _ in TEXT_PARTS}
    for name, value in texts.items():
        if len(value) > MAX_PART_LENGTH:
            raise ValidationError({name: [f"Keep this under {MAX_PART_LENGTH:,} characters."]})
    ids = sorted(set(data.contact_ids))
    contacts = list(Contact.objects.filter(activity_id=report.activity_id, pk__in=ids))
    if len(contacts) != len(ids):
        raise ValidationError(
            {"contact_ids": ["Link only contacts recorded in the register for this activity."]}
        )
    return texts, contacts, _clean_recommendations(data.recommendations)


def _write_recommendations(*, actor: Any, report: EvaluationReport, texts: list[str]) -> None:
    """Keep recommendation rows by position: a changed text updates its row, a new one is
    added, and the ones past the end are removed (a draft's, before any decision)."""
    existing = {r.position: r for r in report.recommendations.all()}
    for position, text in enumerate(texts, start=1):
        row = existing.pop(position, None)
        if row is None:
            row = Recommendation(
                agency_id=report.agency_id,
                activity_id=report.activity_id,
                report=report,
                position=position,
                text=text,
            )
            save_audited(row, actor=actor)
        elif row.text != text:
            row.text = text
            save_audited(row, actor=actor)
    for row in existing.values():
        delete_audited(row, actor=actor)


@transaction.atomic
def report_update(*, actor: Any, report: EvaluationReport, data: ReportInput) -> EvaluationReport:
    """Replace the content of a draft or returned report (its authors only). A draft may
    be incomplete: the substance rules apply on submission. A change clears the authors'
    sign-offs (they signed other words); a save that changes nothing writes nothing."""
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    refusal = edit_refusal(actor, report)
    if refusal is not None:
        raise refusal
    texts, contacts, recommendations = _validate_content(report, data)
    topics = [topic_create(actor=actor, name=n) for n in dict.fromkeys(data.topics) if n.strip()]
    other = (data.contacts_not_in_register or "").strip()
    before = (
        {name: getattr(report, name) for name, _, _ in TEXT_PARTS},
        sorted(report.topics.values_list("pk", flat=True)),
        sorted(report.contacts.values_list("pk", flat=True)),
        report.contacts_not_in_register,
        list(report.recommendations.order_by("position").values_list("text", flat=True)),
    )
    after = (
        texts,
        sorted(t.pk for t in topics),
        sorted(c.pk for c in contacts),
        other,
        recommendations,
    )
    if before == after:
        return report
    for name, value in texts.items():
        setattr(report, name, value)
    report.contacts_not_in_register = other
    report.search_text = _search_text(
        report.activity.title, texts, [t.name for t in topics], recommendations
    )
    report.full_clean()

    def set_m2m() -> None:
        report.topics.set(topics)
        report.contacts.set(contacts)

    save_audited_with_m2m(report, actor=actor, set_m2m=set_m2m)
    _write_recommendations(actor=actor, report=report, texts=recommendations)
    for author in report.authors.filter(signed_at__isnull=False):
        author.signed_at = None
        save_audited(author, actor=actor, reason="Content changed after sign-off")
    return report


@transaction.atomic
def report_sign(*, actor: Any, report: EvaluationReport) -> ReportAuthor:
    """The actor's own sign-off on a draft or returned report they are an author of
    (co-signed group reports: each author signs for themselves)."""
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    refusal = edit_refusal(actor, report)
    if refusal is not None:
        raise refusal
    author = report.authors.get(participation__employee__user_id=actor.pk)
    if author.signed_at is None:
        author.signed_at = timezone.now()
        save_audited(author, actor=actor, reason="Signed off")
    return author


# --- attachments --------------------------------------------------------------------------


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


@transaction.atomic
def attachment_add(
    *, actor: Any, report: EvaluationReport, upload: UploadedFile, description: str = ""
) -> ReportAttachment:
    """File material received on the activity with a draft or returned report (its
    authors only). Refused, with nothing saved, when it is empty, larger than
    ``REPORT_ATTACHMENT_MAX_BYTES`` or not of a type in ``REPORT_ATTACHMENT_TYPES``. The
    SHA-256 checksum is computed here; the stored name is the checksum, not the upload's."""
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    refusal = edit_refusal(actor, report)
    if refusal is not None:
        raise refusal
    name = PurePath((upload.name or "").replace("\\", "/")).name[:200]
    ext = _extension(name)
    allowed = settings.REPORT_ATTACHMENT_TYPES
    if not name or ext not in allowed:
        raise ValidationError(
            {"file": [f"“{name or '(no name)'}” is not an accepted type; accepted: "
                      f"{', '.join(allowed)}."]}
        )  # fmt: skip
    limit = settings.REPORT_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    if upload.size > limit:
        raise ValidationError(
            {"file": [f"“{name}” is {upload.size:,} bytes; the limit is {limit:,} bytes."]}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type = mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream"
    attachment = ReportAttachment(
        report=report,
        filename=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=(description or "").strip()[:300],
        uploaded_by=actor,
    )
    # Validated before the file is stored, so a refusal leaves no file behind.
    attachment.full_clean(exclude=["file"])
    attachment.file.save(name, upload, save=False)
    save_audited(attachment, actor=actor, validate=False)
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: ReportAttachment) -> None:
    """Remove an attachment from a draft or returned report (its authors only); the
    history keeps that it was there, its name and checksum."""
    report = EvaluationReport.objects.select_for_update().get(pk=attachment.report_id)
    refusal = edit_refusal(actor, report)
    if refusal is not None:
        raise refusal
    stored = attachment.file.name
    storage = attachment.file.storage
    delete_audited(attachment, actor=actor)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- the review moves ---------------------------------------------------------------------


def _checklist(answers: dict[str, Any] | None) -> dict[str, bool]:
    answers = answers or {}
    unknown = sorted(set(answers) - set(CHECKLIST_KEYS))
    if unknown:
        raise ValidationError({"checklist": [f"Unknown checklist item: {', '.join(unknown)}."]})
    return {key: bool(answers.get(key)) for key in CHECKLIST_KEYS}


def _reviewer_name(actor: Any) -> str:
    employee = getattr(actor, "employee", None)
    if employee is not None:
        return employee.full_name
    return actor.get_full_name() or actor.get_username()


@transaction.atomic
def report_transition(
    *,
    actor: Any,
    report: EvaluationReport,
    name: str,
    reason: str = "",
    resubmit_by: dt.date | None = None,
    checklist: dict[str, Any] | None = None,
) -> EvaluationReport:
    """Move a report along the declared table (``workflow.TRANSITIONS``): an author
    submits (signing off themselves; every co-author must have signed, and the report
    must meet the agency's substance minimums), a supervisor returns it (with a reason and
    a resubmission deadline) or acknowledges it (every checklist item ticked). A review
    is recorded with the checklist as answered. Refused moves raise ``InvalidTransition``
    with the guard's sentence, and change nothing."""
    report = (
        EvaluationReport.objects.select_for_update().select_related("activity").get(pk=report.pk)
    )
    transition = find_transition(report.status, name)
    if transition is None:
        allowed = ", ".join(sorted({t.name for t in transitions_from(report.status)})) or "none"
        raise InvalidTransition(
            f"A report {report.get_status_display().lower()} cannot be {name!r}-ed "
            f"(allowed: {allowed})."
        )
    if transition.who == "author" and not is_author(actor, report):
        raise Forbidden("Only the authors of this report may submit it.")
    if transition.who == "supervisor" and not is_supervisor(actor, report.agency_id):
        raise Forbidden("Only the agency's approvers and higher command review reports.")
    reason = (reason or "").strip()
    answers = _checklist(checklist) if transition.who == "supervisor" else {}
    today = timezone.localdate()
    if transition.needs_reason:
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = ["Say what must be corrected."]
        if resubmit_by is None:
            errors["resubmit_by"] = ["Give the date by which it must be resubmitted."]
        elif resubmit_by <= today:
            errors["resubmit_by"] = [f"The resubmission deadline must be after today ({today})."]
        if errors:
            raise ValidationError(errors)
    report._checklist = answers  # type: ignore[attr-defined]
    signed: ReportAuthor | None = None
    if transition.who == "author":
        own = report.authors.filter(
            participation__employee__user_id=actor.pk, signed_at__isnull=True
        ).first()
        if own is not None:
            # Submitting is the submitter's own sign-off; checked with the guards below.
            own.signed_at = timezone.now()
            signed = own
    for guard in transition.guards:
        if guard.name == "all_authors_signed" and signed is not None:
            others = report.authors.exclude(pk=signed.pk).filter(signed_at__isnull=True)
            if others.exists():
                raise InvalidTransition(guard.sentence(actor, report))
            continue
        if not guard.check(actor, report):
            raise InvalidTransition(guard.sentence(actor, report))
    now = timezone.now()
    if signed is not None:
        save_audited(signed, actor=actor, reason="Signed off")
    report.status = transition.target
    if transition.name == "submit":
        report.submitted_at = now
    elif transition.name == "return":
        report.resubmit_by = resubmit_by
    elif transition.name == "acknowledge":
        report.acknowledged_at = now
    # The history names the move; the reason, whole, is on the review row below (the
    # history's change reason holds 100 characters, which PostgreSQL enforces).
    save_audited(report, actor=actor, reason=transition.label)
    if transition.who == "supervisor":
        review = ReportReview(
            report=report,
            reviewer=actor,
            reviewer_name=_reviewer_name(actor),
            decision=(ReviewDecision.RETURNED if name == "return" else ReviewDecision.ACKNOWLEDGED),
            checklist=answers,
            reason=reason,
            resubmit_by=resubmit_by if name == "return" else None,
            reviewed_at=now,
        )
        save_audited(review, actor=actor)
    _notify(report, transition.name, reason)
    return report


def _notify(report: EvaluationReport, move: str, reason: str) -> None:
    title = report.activity.title
    if move == "submit":
        to = _emails(supervisors_of(report.agency_id, exclude=_author_user_ids(report)))
        _mail(
            to,
            f"Evaluation report to review: {title}",
            f"An evaluation report on “{title}” was submitted for review.\n{_link(report)}",
        )
        return
    authors = list(User.objects.filter(pk__in=_author_user_ids(report)))
    if move == "return":
        _mail(
            _emails(authors),
            f"Evaluation report returned: {title}",
            f"Your evaluation report on “{title}” was returned for correction: {reason}\n"
            f"Resubmit by {report.resubmit_by}.\n{_link(report)}",
        )
    elif move == "acknowledge":
        _mail(
            _emails(authors),
            f"Evaluation report acknowledged: {title}",
            f"Your evaluation report on “{title}” was acknowledged.\n{_link(report)}",
        )


# --- legacy reports -----------------------------------------------------------------------


@dataclass
class ImportedReport:
    """A report as an earlier record holds it: stored as it was, however brief."""

    participations: list[Participation]
    status: str = ReportStatus.ACKNOWLEDGED
    submitted_on: dt.date | None = None
    content: ReportInput = field(default_factory=ReportInput)


@transaction.atomic
def report_import(*, actor: Any, activity: Activity, data: ImportedReport) -> EvaluationReport:
    """Record a report from an earlier record (coordinators of the agency). It predates
    the substance rules: it is kept as it was — a one-line statement stays one line — and
    pages flag it "insufficient: missing …" rather than refuse it."""
    if not has_role(actor, Role.COORDINATOR, activity.agency_id):
        raise Forbidden("Only coordinators import earlier reports.")
    if data.status not in ReportStatus.values:
        raise ValidationError({"status": [f"Unknown status {data.status!r}."]})
    rows = _check_participations(activity, data.participations)
    policy = policy_for_agency_id(activity.agency_id)
    report = EvaluationReport(
        agency_id=activity.agency_id,
        activity=activity,
        origin=Origin.IMPORTED,
        status=data.status,
        due_on=due_on_for(activity.end_date, policy.due_days),
        created_by=actor,
    )
    texts, _, recommendations = _validate_content(report, data.content)
    topics = [topic_create(actor=actor, name=n) for n in dict.fromkeys(data.content.topics) if n]
    for name, value in texts.items():
        setattr(report, name, value)
    report.contacts_not_in_register = data.content.contacts_not_in_register.strip()
    if data.submitted_on is not None and data.status != ReportStatus.DRAFT:
        stamp = dt.datetime.combine(data.submitted_on, dt.time(12), tzinfo=dt.UTC)
        report.submitted_at = stamp
        if data.status == ReportStatus.ACKNOWLEDGED:
            report.acknowledged_at = stamp
    if data.status == ReportStatus.RETURNED:
        raise ValidationError({"status": ["An imported report is not imported as returned."]})
    report.search_text = _search_text(
        activity.title, texts, [t.name for t in topics], recommendations
    )
    report.full_clean()
    save_audited_with_m2m(report, actor=actor, set_m2m=lambda: report.topics.set(topics))
    for p in rows:
        save_audited(ReportAuthor(report=report, participation=p), actor=actor)
    _write_recommendations(actor=actor, report=report, texts=recommendations)
    return report


# --- reminders ---------------------------------------------------------------------------


@dataclass
class ReminderRun:
    reminders: int = 0
    escalations: int = 0
    skipped: int = 0


def _recently_sent(participation: Participation, kind: str, today: dt.date, interval: int) -> bool:
    since = today - dt.timedelta(days=interval - 1)
    return ReminderSent.objects.filter(
        participation=participation, kind=kind, sent_on__gte=since, sent_on__lte=today
    ).exists()


def _activity_approver(activity: Activity) -> User | None:
    step = (
        activity.approval_steps.filter(state="approved", decided_by__is_active=True)
        .select_related("decided_by")
        .order_by("-decided_at")
        .first()
    )
    return step.decided_by if step is not None else None


@transaction.atomic
def reminders_send(*, today: dt.date) -> ReminderRun:
    """The daily run (``manage.py send_reminders``): remind each participant who owes a
    report due soon or overdue, at most once per ``reminder_interval_days``, and escalate
    to the supervisor (who approved the activity; otherwise the agency's approvers and
    higher command) once a report is ``escalate_after_days`` overdue, at the same rhythm.
    Every message sent is logged (``ReminderSent``), so a second run on the same day —
    or any run within the interval — sends nothing new. Mail is enqueued through
    ``django.tasks`` once the run commits."""
    run = ReminderRun()
    for agency in Agency.objects.order_by("pk"):
        policy = policy_for_agency_id(agency.pk)
        owed = [
            *_owed_in_agency(agency.pk, policy, TrackingFilters("overdue"), today),
            *_owed_in_agency(agency.pk, policy, TrackingFilters("due_soon"), today),
        ]
        for item in owed:
            participations = (
                [a.participation for a in item.report.authors.all()]
                if item.report is not None
                else [item.participation]
            )
            for participation in participations:
                if participation is None:
                    continue
                _remind(run, item, participation, policy, today)
    return run


def _remind(
    run: ReminderRun, item: Any, participation: Participation, policy: ReportPolicy, today: dt.date
) -> None:
    interval = policy.reminder_interval_days
    title = item.activity.title
    where = (
        _link(item.report)
        if item.report is not None
        else settings.SITE_URL + reverse("reports:mine")
    )
    if _recently_sent(participation, ReminderKind.REMINDER, today, interval):
        run.skipped += 1
    else:
        employee = participation.employee
        user = employee.user if employee is not None else None
        to = _emails([user])
        state = f"was due on {item.due}" if item.overdue else f"is due on {item.due}"
        _mail(to, f"Evaluation report {'overdue' if item.overdue else 'due soon'}: {title}",
              f"Your evaluation report on “{title}” {state}.\n{where}")  # fmt: skip
        ReminderSent.objects.create(
            participation=participation,
            report=item.report,
            kind=ReminderKind.REMINDER,
            sent_on=today,
            recipients=to,
        )
        run.reminders += 1
    if not item.overdue or item.days_overdue < policy.escalate_after_days:
        return
    if _recently_sent(participation, ReminderKind.ESCALATION, today, interval):
        run.skipped += 1
        return
    approver = _activity_approver(item.activity)
    supervisors = [approver] if approver is not None else supervisors_of(item.activity.agency_id)
    to = _emails(supervisors)
    employee = participation.employee
    name = participation.name_at_time or (employee.full_name if employee else "A participant")
    _mail(to, f"Evaluation report {item.days_overdue} days overdue: {title}",
          f"{name}'s evaluation report on “{title}” was due on {item.due} and is "
          f"{item.days_overdue} days overdue.\n{where}")  # fmt: skip
    ReminderSent.objects.create(
        participation=participation,
        report=item.report,
        kind=ReminderKind.ESCALATION,
        sent_on=today,
        recipients=to,
    )
    run.escalations += 1
