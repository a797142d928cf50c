"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.accounts.models import Agency
from liaison.core.forms import UswdsForm


class UploadForm(UswdsForm):
    agency = forms.ModelChoiceField(
        label="Agency the records belong to",
        queryset=Agency.objects.none(),
        empty_label=None,
    )
    file = forms.FileField(
        label="Spreadsheet (.csv or .xlsx)",
        help_text="The columns of the template; one row per activity.",
        allow_empty_file=True,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        self.only_agency = agencies.first() if agencies.count() == 1 else None
        if self.only_agency is not None:
            # One agency: the choice is made for the user (and need not be posted).
            field.initial = self.only_agency
            field.required = False

    def clean_agency(self) -> Agency | None:
        return self.cleaned_data.get("agency") or self.only_agency


class MatchForm(UswdsForm):
    """The review step: one required radio group per ambiguous participant (a fieldset
    whose legend names the row, the participant and the name), each candidate the reader
    may see, and "none of these"."""

    def __init__(self, *args: Any, matches: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches = matches
        for match in matches:
            choices = [
                (
                    str(c.id),
                    f"{c.name} — serial number {c.serial_number}"
                    + "".join(f", {part}" for part in (c.rank, c.unit) if part)
                    + f" ({c.agency})",
                )
                for c in match.candidates
            ]
            choices.append(("none", "None of these (the row stays an error)"))
            initial = None
            if match.decided:
                initial = str(match.employee_id) if match.employee_id else "none"
            self.fields[match.key] = forms.ChoiceField(
                label=f"Row {match.row}, participant {match.participant}: who is “{match.name}”?",
                help_text=f"The file says: {match.value}",
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={"required": f"Choose who “{match.name}” in row {match.row} is."},
            )

    def choices(self) -> list[Any]:
        from liaison.exchange.review import Choice

        result = []
        for match in self.matches:
            value = self.cleaned_data[match.key]
            result.append(
                Choice(match.row, match.participant, None if value == "none" else int(value))
            )
        return result
