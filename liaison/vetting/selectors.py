"""Reads for foreign contacts, inbound trainees and vetting (ADR 0016).

Everything here starts from what the user may see (``access.*_visible_to``). The
reporting deadline counts business days: Saturdays, Sundays and the dates in
``settings.BUSINESS_HOLIDAYS`` do not count (default: no holidays).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from liaison.accounts.access import scope_for, scope_q
from liaison.activities.models import Activity, ParticipantRole, Participation
from liaison.core.pagination import Page
from liaison.records.models import RestrictedRead
from liaison.vetting.access import (
    RESTRICTED_READERS,
    contacts_visible_to,
    reads_visible_to,
    trainees_visible_to,
    vetting_visible_to,
)
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
from liaison.vetting.workflow import VettingStatus, is_current

# --- business days ----------------------------------------------------------------------


def holidays() -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in settings.BUSINESS_HOLIDAYS)


def is_business_day(day: dt.date, off: frozenset[dt.date] | None = None) -> bool:
    off = holidays() if off is None else off
    return day.weekday() < 5 and day not in off


def add_business_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th business day after ``start`` (``start`` itself does not count)."""
    off = holidays()
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, off):
            n -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when ``end`` ≤ start)."""
    off = holidays()
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, off):
            count += 1
    return count


def report_deadline(activity: Activity) -> dt.date:
    """The last day a contact of ``activity`` may be reported on time."""
    return add_business_days(activity.end_date, settings.CONTACT_REPORT_BUSINESS_DAYS)


@dataclass(frozen=True)
class ReportState:
    """Where a contact's report stands: ``key`` is on_time, late, due or overdue."""

    key: str
    text: str
    deadline: dt.date
    business_days: int | None  # after return, when reported

    @property
    def flagged(self) -> bool:
        return self.key in ("late", "overdue")


def report_state(contact: Contact, *, today: dt.date) -> ReportState:
    """ "reported 9 business days after return" (late), or "not reported; due by …", or
    "not reported, 3 business days past the deadline" (overdue)."""
    end = contact.activity.end_date
    deadline = report_deadline(contact.activity)
    limit = settings.CONTACT_REPORT_BUSINESS_DAYS
    if contact.reported_on is not None:
        days = business_days_between(end, contact.reported_on)
        plural = "" if days == 1 else "s"
        if days > limit:
            return ReportState(
                "late", f"reported {days} business day{plural} after return (late)", deadline, days
            )
        return ReportState(
            "on_time", f"reported {days} business day{plural} after return", deadline, days
        )
    if today <= deadline:
        return ReportState("due", f"not reported yet; due by {deadline:%-d %B %Y}", deadline, None)
    past = business_days_between(deadline, today)
    plural = "" if past == 1 else "s"
    return ReportState(
        "overdue",
        f"not reported, {past} business day{plural} past the deadline ({deadline:%-d %B %Y})",
        deadline,
        None,
    )


# --- vetting ----------------------------------------------------------------------------


def current_vetting_q(on: dt.date, prefix: str = "") -> Q:
    """Vetting requests current on ``on``: approved and not expired (the expiry date is
    the first day it no longer counts)."""
    return Q(**{f"{prefix}status": VettingStatus.APPROVED}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": on})
    )


def vetting_current(vetting: VettingRequest, *, on: dt.date) -> bool:
    return is_current(status=vetting.status, expires_on=vetting.expires_on, on=on)


def vetting_state(requests: list[VettingRequest], *, on: dt.date) -> str:
    """One phrase for a subject's vetting on ``on``: "current", "requested", "expired",
    "denied", "suspended", "cancelled" or "not requested"."""
    if not requests:
        return "not requested"
    if any(vetting_current(v, on=on) for v in requests):
        return "current"
    latest = max(requests, key=lambda v: (v.sent_on, v.pk))
    if latest.status == VettingStatus.APPROVED:
        return "expired"
    return str(latest.status)


_VETTING_ORDER = VettingRequest.objects.order_by("-sent_on", "-id")


def contact_list(
    *,
    user: Any,
    activity: Activity | None = None,
    report: str = "",
    vetting: str = "",
    today: dt.date | None = None,
) -> list[Contact]:
    """Contacts the user may read, newest first, each with ``report`` (a ``ReportState``)
    and ``vetting_state``. ``report`` filters by flag (late, overdue, flagged);
    ``vetting`` by vetting state (current, not requested, …)."""
    today = today or timezone.localdate()
    qs = contacts_visible_to(user).select_related(
        "activity", "external_person", "organisation", "agency"
    )
    if activity is not None:
        qs = qs.filter(activity=activity)
    qs = qs.prefetch_related(Prefetch("vetting_requests", queryset=_VETTING_ORDER))
    rows = []
    for contact in qs:
        contact.report = report_state(contact, today=today)  # type: ignore[attr-defined]
        contact.vetting_state = vetting_state(  # type: ignore[attr-defined]
            list(contact.vetting_requests.all()), on=today
        )
        if report == "flagged" and not contact.report.flagged:  # type: ignore[attr-defined]
            continue
        if report in ("late", "overdue", "due", "on_time") and contact.report.key != report:  # type: ignore[attr-defined]
            continue
        if vetting and contact.vetting_state != vetting:  # type: ignore[attr-defined]
            continue
        rows.append(contact)
    return rows


def trainee_list(*, user: Any, activity: Activity | None = None) -> list[InboundTrainee]:
    qs = trainees_visible_to(user).select_related(
        "activity", "external_person", "sponsoring_organisation"
    )
    if activity is not None:
        qs = qs.filter(activity=activity)
    qs = qs.prefetch_related(Prefetch("vetting_requests", queryset=_VETTING_ORDER))
    rows = list(qs)
    for trainee in rows:
        on = trainee.activity.start_date
        trainee.vetting_state = vetting_state(  # type: ignore[attr-defined]
            list(trainee.vetting_requests.all()), on=on
        )
    return rows


def vetting_requests_of(subject: Contact | InboundTrainee) -> QuerySet[VettingRequest]:
    return subject.vetting_requests.order_by("-sent_on", "-id")


@dataclass(frozen=True)
class TraineeFlag:
    """ "course starts in N days and trainee X is not vetted"."""

    activity: Activity
    name: str
    trainee: InboundTrainee | None  # None: a trainee participant with no intake record
    days: int
    state: str

    @property
    def text(self) -> str:
        days = "today" if self.days == 0 else f"in {self.days} day{'s' if self.days != 1 else ''}"
        missing = " (no intake record)" if self.trainee is None else f" (vetting {self.state})"
        return f"{self.activity.title} starts {days} and trainee {self.name} is not vetted{missing}"


def unvetted_trainees(*, user: Any, today: dt.date, within_days: int = 60) -> list[TraineeFlag]:
    """Trainees of inbound courses starting within ``within_days`` of ``today`` (the user
    may read the agency's restricted data) without a vetting current on the first day."""
    horizon = today + dt.timedelta(days=within_days)
    trainees = trainee_list(user=user)
    flags = []
    for t in trainees:
        start = t.activity.start_date
        if today <= start <= horizon and t.vetting_state != "current":  # type: ignore[attr-defined]
            flags.append(
                TraineeFlag(t.activity, str(t.external_person), t, (start - today).days,
                            t.vetting_state)  # type: ignore[attr-defined]
            )  # fmt: skip
    # Trainee participants of upcoming courses with no intake record at all.
    scope = scope_for(user, *RESTRICTED_READERS)
    intake = InboundTrainee.objects.filter(
        activity_id=OuterRef("activity_id"), external_person_id=OuterRef("external_person_id")
    )
    missing = (
        Participation.objects.filter(
            scope_q(scope, "activity__agency_id"),
            role=ParticipantRole.TRAINEE,
            external_person__isnull=False,
            activity__start_date__gte=today,
            activity__start_date__lte=horizon,
        )
        .exclude(Exists(intake))
        .select_related("activity", "external_person")
    )
    for p in missing:
        flags.append(
            TraineeFlag(p.activity, p.display_name, None, (p.activity.start_date - today).days,
                        "not requested")
        )  # fmt: skip
    return sorted(flags, key=lambda f: (f.days, f.activity.pk, f.name))


# --- the vetting work queue and the log of reads ----------------------------------------


@dataclass
class VettingQueue:
    """What waits for a security officer: answers still outstanding, trainees of courses
    about to start without a current vetting, contacts overdue or never sent for vetting,
    and approvals about to expire."""

    awaiting_answer: list[VettingRequest]
    trainees: list[TraineeFlag]
    overdue_contacts: list[Contact]
    contacts_not_sent: list[Contact]
    expiring: list[VettingRequest]

    @property
    def count(self) -> int:
        return (
            len(self.awaiting_answer)
            + len(self.trainees)
            + len(self.overdue_contacts)
            + len(self.contacts_not_sent)
            + len(self.expiring)
        )

    def shown(self) -> list[Any]:
        """Every restricted record the queue shows (each read is logged)."""
        records: list[Any] = [*self.awaiting_answer, *self.expiring]
        records += [f.trainee for f in self.trainees if f.trainee is not None]
        records += self.overdue_contacts + self.contacts_not_sent
        return records


QUEUE_HORIZON_DAYS = 60
EXPIRY_WARNING_DAYS = 30


def vetting_queue(*, user: Any, today: dt.date) -> VettingQueue:
    related = (
        "contact__external_person",
        "contact__organisation",
        "contact__activity",
        "trainee__external_person",
        "trainee__activity",
    )
    visible = vetting_visible_to(user).select_related(*related)
    contacts = contact_list(user=user, today=today)
    return VettingQueue(
        awaiting_answer=list(
            visible.filter(status=VettingStatus.REQUESTED).order_by("sent_on", "id")
        ),
        trainees=unvetted_trainees(user=user, today=today, within_days=QUEUE_HORIZON_DAYS),
        overdue_contacts=[c for c in contacts if c.report.key == "overdue"],  # type: ignore[attr-defined]
        contacts_not_sent=[c for c in contacts if c.vetting_state == "not requested"],  # type: ignore[attr-defined]
        expiring=list(
            visible.filter(
                current_vetting_q(today),
                expires_on__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
            ).order_by("expires_on", "id")
        ),
    )


def read_log(*, user: Any, username: str = "") -> QuerySet[RestrictedRead]:
    """The log of restricted reads the user may see, newest first."""
    qs = reads_visible_to(user).select_related("user", "content_type")
    if username:
        qs = qs.filter(user__username=username)
    return qs.order_by("-at", "-id")


def contact_detail(contact: Contact, *, today: dt.date) -> Contact:
    """``contact`` with its ``report`` and ``vetting_state`` (as in the lists)."""
    contact.report = report_state(contact, today=today)  # type: ignore[attr-defined]
    contact.vetting_state = vetting_state(  # type: ignore[attr-defined]
        list(contact.vetting_requests.all()), on=today
    )
    return contact


def trainee_detail(trainee: InboundTrainee) -> InboundTrainee:
    """``trainee`` with its ``vetting_state`` on the day the course starts."""
    trainee.vetting_state = vetting_state(  # type: ignore[attr-defined]
        list(trainee.vetting_requests.all()), on=trainee.activity.start_date
    )
    return trainee


def page_of_rows(rows: list[Any], *, page: int, page_size: int | None, clamp: bool) -> Page:
    """One page of a list already built in Python (contacts carry report states computed
    per row: business days are not a database function). Counted exactly: an agency
    records tens of contacts a year, not millions."""
    size = page_size or settings.PAGE_SIZE
    last = max(1, -(-len(rows) // size))
    number = max(1, page) if not clamp else min(max(1, page), last)
    start = (number - 1) * size
    return Page(items=rows[start : start + size], count=len(rows), number=number, page_size=size)
