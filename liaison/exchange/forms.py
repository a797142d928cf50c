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
