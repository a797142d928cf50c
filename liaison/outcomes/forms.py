"""HTML input for decisions, adoptions, follow-ups, statements, alignment reviews and the
policy library. The forms only parse what the browser sends; every rule lives in
``outcomes.services``, whose field errors are put back on the rows
(``people.forms.apply_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core.forms import UswdsForm
from liaison.outcomes.models import AdoptionKind, Policy, Verdict
from liaison.outcomes.services import AdoptionInput
from liaison.people.forms import apply_service_errors

__all__ = ["apply_service_errors"]

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(label)) for v, label in choices]]


class DecisionForm(UswdsForm):
    name = forms.ChoiceField(
        choices=[("adopt", "adopt"), ("reject", "reject"), ("defer", "defer")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label="Why", required=False, widget=TEXT,
                             help_text="Required: the reason for the decision.")  # fmt: skip
    decided_on = forms.DateField(label="Decided on", required=False, widget=DATE,
                                 help_text="Empty: today.")  # fmt: skip


class AdoptionForm(UswdsForm):
    kind = forms.ChoiceField(label="Kind", choices=_choices(AdoptionKind.choices, "Choose…"))
    what_changed = forms.CharField(label="What changed", widget=TEXT)
    effective_on = forms.DateField(label="In effect from", widget=DATE)

    def adoption_input(self) -> AdoptionInput:
        return AdoptionInput(**self.cleaned_data)


class FollowUpForm(UswdsForm):
    followed_up_on = forms.DateField(label="Followed up on", required=False, widget=DATE,
                                     help_text="Empty: today.")  # fmt: skip
    note = forms.CharField(label="Status note", required=False, widget=TEXT)


class CloseForm(UswdsForm):
    reason = forms.CharField(label="Why it is closed", required=False, widget=TEXT)
    on = forms.DateField(label="Closed on", required=False, widget=DATE, help_text="Empty: today.")


class StatementForm(UswdsForm):
    statement = forms.CharField(
        label="Statement",
        required=False,
        widget=TEXT,
        help_text="Why nothing was adopted from this activity; signed with your name and role.",
    )
    stated_on = forms.DateField(label="Stated on", required=False, widget=DATE,
                                help_text="Empty: today.")  # fmt: skip


class WithdrawForm(UswdsForm):
    reason = forms.CharField(label="Why it is withdrawn", required=False, widget=TEXT)


class ReviewForm(UswdsForm):
    policy = forms.ModelChoiceField(label="Policy", queryset=Policy.objects.none(),
                                    empty_label="Choose a policy…")  # fmt: skip
    verdict = forms.ChoiceField(label="Verdict", choices=_choices(Verdict.choices, "Choose…"))
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=TEXT,
        help_text="Required: which part of the policy, and why.",
    )
    reviewed_on = forms.DateField(label="Reviewed on", required=False, widget=DATE,
                                  help_text="Empty: today.")  # fmt: skip

    def __init__(self, *args: Any, policies: QuerySet[Policy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies  # type: ignore[attr-defined]


class PolicyForm(UswdsForm):
    identifier = forms.CharField(label="Identifier", max_length=100,
                                 help_text="As the department cites it, e.g. 130.25.")  # fmt: skip
    title = forms.CharField(label="Title", max_length=300)
    summary = forms.CharField(label="Summary", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    effective_from = forms.DateField(label="In effect from", required=False, widget=DATE)
    effective_to = forms.DateField(label="In effect until", required=False, widget=DATE,
                                   help_text="Empty: still in effect.")  # fmt: skip
    source_url = forms.URLField(label="Source link", required=False, max_length=500)

    @staticmethod
    def initial_for(policy: Policy) -> dict[str, Any]:
        return {
            name: getattr(policy, name)
            for name in ("identifier", "title", "summary", "effective_from", "effective_to",
                         "source_url")
        }  # fmt: skip


class PolicyFilterForm(UswdsForm):
    q = forms.CharField(label="Identifier or title", required=False, max_length=100)
