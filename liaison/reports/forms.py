"""HTML input for evaluation reports, reviews, attachments and the report rules. The
forms only parse what the browser sends; every rule lives in ``reports.services``, whose
field errors are put back on the rows here (``people.forms.apply_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.activities.models import Participation
from liaison.core.forms import UswdsForm
from liaison.people.forms import apply_service_errors
from liaison.reports.models import EvaluationReport, ReportPolicy
from liaison.reports.services import POLICY_FIELDS, ReportInput
from liaison.reports.workflow import CHECKLIST
from liaison.vetting.models import Contact

__all__ = ["apply_service_errors"]

DATE = forms.DateInput(attrs={"type": "date"})


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StartForm(UswdsForm):
    participations = forms.ModelMultipleChoiceField(
        label="Authors",
        queryset=Participation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="One report per participant, or tick several for one co-signed group "
        "report: each author signs off on it.",
    )

    def __init__(self, *args: Any, choices: QuerySet[Participation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participations"]
        field.queryset = choices  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: p.name_at_time or str(p)  # type: ignore[attr-defined]


class ReportForm(UswdsForm):
    purpose = forms.CharField(
        label="Purpose",
        required=False,
        widget=_area(3),
        help_text="Why you went, and what the department expected.",
    )
    itinerary = forms.CharField(
        label="Itinerary and units visited", required=False, widget=_area(4)
    )
    key_takeaways = forms.CharField(
        label="Key takeaways",
        required=False,
        widget=_area(6),
        help_text="What you learned that we did not know or do.",
    )
    practical_applications = forms.CharField(
        label="Practical applications", required=False, widget=_area(4)
    )
    potential_benefits = forms.CharField(
        label="Potential benefits", required=False, widget=_area(3)
    )
    topics = forms.CharField(
        label="Topics covered",
        required=False,
        max_length=1000,
        help_text="Separated by commas, e.g. “crowd control, de-escalation”.",
    )
    contacts = forms.ModelMultipleChoiceField(
        label="Contacts made (from the contacts register)",
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts_not_in_register = forms.CharField(
        label="Other contacts made",
        required=False,
        widget=_area(3),
        help_text="Contacts not in the register: name, organisation, role. Report foreign "
        "contacts to the security office as well.",
    )
    recommendations = forms.CharField(
        label="Recommendations",
        required=False,
        widget=_area(6),
        help_text="One recommendation per line; each is decided on separately.",
    )

    def __init__(
        self, *args: Any, contacts: QuerySet[Contact] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if contacts is None:
            # Contacts are restricted data: only those who may read the register link them.
            del self.fields["contacts"]
        else:
            field = self.fields["contacts"]
            field.queryset = contacts  # type: ignore[attr-defined]
            field.label_from_instance = lambda c: c.party_name  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(report: EvaluationReport) -> dict[str, Any]:
        return {
            "purpose": report.purpose,
            "itinerary": report.itinerary,
            "key_takeaways": report.key_takeaways,
            "practical_applications": report.practical_applications,
            "potential_benefits": report.potential_benefits,
            "topics": ", ".join(t.name for t in report.topics.all()),
            "contacts": list(report.contacts.values_list("pk", flat=True)),
            "contacts_not_in_register": report.contacts_not_in_register,
            "recommendations": "\n".join(
                r.text for r in report.recommendations.order_by("position")
            ),
        }

    def report_input(self, report: EvaluationReport) -> ReportInput:
        data = self.cleaned_data
        if "contacts" in self.fields:
            contact_ids = [c.pk for c in data["contacts"]]
        else:
            contact_ids = list(report.contacts.values_list("pk", flat=True))
        return ReportInput(
            purpose=data["purpose"],
            itinerary=data["itinerary"],
            key_takeaways=data["key_takeaways"],
            practical_applications=data["practical_applications"],
            potential_benefits=data["potential_benefits"],
            topics=[t.strip() for t in data["topics"].split(",") if t.strip()],
            contact_ids=contact_ids,
            contacts_not_in_register=data["contacts_not_in_register"],
            recommendations=[line for line in data["recommendations"].splitlines() if line.strip()],
        )


class ReviewForm(UswdsForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("acknowledge", "Acknowledge"), ("return", "Return for correction")],
        widget=forms.RadioSelect,
    )
    checklist = forms.MultipleChoiceField(
        label="Checklist",
        required=False,
        choices=list(CHECKLIST),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each item the report meets. Acknowledging needs every item.",
    )
    reason = forms.CharField(
        label="What must be corrected",
        required=False,
        widget=_area(3),
        help_text="Required to return the report.",
    )
    resubmit_by = forms.DateField(
        label="Resubmit by", required=False, widget=DATE, help_text="Required to return the report."
    )

    def answers(self) -> dict[str, bool]:
        ticked = set(self.cleaned_data["checklist"])
        return {key: key in ticked for key, _ in CHECKLIST}


class AttachmentForm(UswdsForm):
    file = forms.FileField(label="File", allow_empty_file=True)
    description = forms.CharField(label="Description", required=False, max_length=300)


class PolicyForm(UswdsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in POLICY_FIELDS:
            model_field: Any = ReportPolicy._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=str(model_field.verbose_name).capitalize(),
                help_text=str(model_field.help_text or ""),
                min_value=0,
            )

    @staticmethod
    def initial_for(policy: ReportPolicy) -> dict[str, Any]:
        return {name: getattr(policy, name) for name in POLICY_FIELDS}


class TrackingForm(UswdsForm):
    """The overdue list's filters: every field optional, a bad value is ignored."""

    which = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("overdue", "Overdue"), ("due_soon", "Due soon")],
    )
    unit = forms.ChoiceField(label="Unit", required=False, choices=[])
    approver = forms.ChoiceField(label="Approved by", required=False, choices=[])

    def __init__(
        self, *args: Any, units: list[str], approvers: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Every unit"), *[(u, u) for u in units]]  # type: ignore[attr-defined]
        self.fields["approver"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *[(str(uid), name) for uid, name in approvers],
        ]
