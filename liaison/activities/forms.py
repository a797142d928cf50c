"""HTML input for activities: the list filters and the create/edit form with its rows.

These forms only parse what the browser sends and build the service's input; every rule
(required fields, dates in order, valid countries, people of the right agency) lives in
``services.activity_create`` / ``activity_update``, whose ``ValidationError`` keys are
mapped back onto the fields here (``apply_service_errors``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from liaison.accounts.models import Agency
from liaison.activities.models import (
    Activity,
    Category,
    Direction,
    Kind,
    Origin,
    ParticipantRole,
)
from liaison.activities.selectors import (
    DEFAULT_SORT,
    DIRECTION_GROUPS,
    MISSING_ON_RECORD,
    SORT_LABELS,
    YEAR_MAX,
    YEAR_MIN,
    ActivityFilters,
    category_choices,
)
from liaison.activities.services import ActivityInput, LocationInput, ParticipantInput
from liaison.activities.workflow import Status
from liaison.core.forms import UswdsBoundField, UswdsForm
from liaison.core.schemas import MAX_ID
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.selectors import employees_matching


def employee_choice_label(employee: Employee) -> str:
    """How a chosen employee reads in the participant box: "Ada Lindqvist (10001)"."""
    return f"{employee.first_name} {employee.last_name} ({employee.serial_number})"


Choices = list[tuple[str, str]]

SORT_CHOICES: Choices = list(SORT_LABELS.items())


def _with_blank(choices: Iterable[tuple[Any, Any]], blank: str) -> Choices:
    return [("", blank), *[(str(value), str(label)) for value, label in choices]]


def country_choices(blank: str) -> Choices:
    return _with_blank(((c.code, c.name) for c in countries), blank)


# ---------------------------------------------------------------------------------------
# The list filters
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _options_html(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """Each option's value and its ``<option>`` element, unselected and selected, escaped
    and built once per process for a given list (the country list does not change while
    the server runs)."""
    built = []
    for value, label in choices:
        start, end = (
            f'<option value="{conditional_escape(value)}"',
            f">{conditional_escape(label)}</option>",
        )
        built.append((value, start + end, f"{start} selected{end}"))
    return tuple(built)


class QuickSelect(forms.Select):
    """A ``<select>`` that writes its options itself instead of rendering one template per
    option: the list filters' 290 options cost 40 ms a page through Django's widget
    templates (bench/README.md). Same markup as ``forms.Select`` for flat choices."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        options = _options_html(tuple((str(v), str(label)) for v, label in self.choices))
        body = "".join(selected if value in chosen else plain for value, plain, selected in options)
        return mark_safe(f"<select{flatatt(final)}>{body}</select>")  # noqa: S308


class AgencyIdsField(forms.Field):
    """Repeated ``agency=<id>`` parameters (links from the oversight summary carry the
    agencies it counted). Carried as hidden inputs; the list shows only what the user may
    see, so naming an agency can narrow the list but never widen it."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "An agency id is a whole number."}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        result: list[int] = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or not 0 < int(text) < 2**63:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            result.append(int(text))
        return result


# Built once: django-countries' list is fixed for the life of the process.
_FILTER_COUNTRIES: Choices = country_choices("Any country")


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices are fixed for the life of the process (the country
    list): each form's copy shares them. ``ChoiceField`` deep-copies and re-normalises
    its choices for every form, 250 countries on every list page (bench/README.md)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoiceField:
        return cast(FixedChoiceField, forms.Field.__deepcopy__(self, memo))


class ActivityFilterForm(UswdsForm):
    """The GET form of the activity list. Every field is optional; a value that does not
    parse is reported on its field and left out of the filters (see ``filters()``)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the title, topics, purpose, places, organisations or "
        "participants' names.",
    )
    country = FixedChoiceField(
        label="Country", required=False, widget=QuickSelect, choices=_FILTER_COUNTRIES
    )
    category = forms.ChoiceField(label="Category", required=False, widget=QuickSelect)
    direction = forms.ChoiceField(
        label="Direction",
        required=False,
        choices=_with_blank(Direction.choices, "Any direction"),
        widget=QuickSelect,
    )
    year = forms.IntegerField(
        label="Year",
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": "Choose a year from the list."},
    )
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any status.",
    )
    direction_group = forms.MultipleChoiceField(
        label="Direction group",
        required=False,
        choices=[(key, label) for key, (label, _) in DIRECTION_GROUPS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    start_from = forms.DateField(
        label="Starting on or after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )
    start_to = forms.DateField(
        label="Starting on or before",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )
    agency = AgencyIdsField(label="Agency", required=False)
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=200,
        help_text="An employee's serial number or name.",
    )
    organisation = forms.IntegerField(
        label="Organisation id",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "invalid": "An organisation id is a number.",
            "max_value": "No organisation has an id that large.",
        },
    )
    started_without_approval = forms.BooleanField(
        label="Only those that started without an approval on record",
        required=False,
    )
    origin = forms.ChoiceField(
        label="Where the record came from",
        required=False,
        choices=[("", "Any origin"), *Origin.choices],
    )
    missing = forms.ChoiceField(
        label="Not on record",
        required=False,
        choices=[("", "Anything"), *((k, label) for k, (label, _) in MISSING_ON_RECORD.items())],
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=SORT_CHOICES, widget=QuickSelect
    )

    def __init__(
        self, data: Any, *, years: list[int], categories: Iterable[Category] | None = None
    ) -> None:
        if data is not None and data.get("country"):
            # Country codes are matched in capitals, as the selector and the API do.
            data = data.copy()
            data["country"] = str(data["country"]).upper()
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["category"]).choices = _with_blank(
            ((c.slug, c.name) for c in (category_choices() if categories is None else categories)),
            "Any category",
        )
        # A year outside the list (e.g. from a bookmarked link) is still a valid filter:
        # offer it so the select shows what is being applied.
        year_options = list(years)
        submitted = str(self.data.get("year", "")).strip()
        if (
            submitted.isdigit()
            and YEAR_MIN <= int(submitted) <= YEAR_MAX
            and int(submitted) not in year_options
        ):
            year_options = sorted([*year_options, int(submitted)], reverse=True)
        self.fields["year"].widget = QuickSelect(
            choices=_with_blank(((y, y) for y in year_options), "Any year")
        )
        self.fields["organisation"].widget.attrs.update({"inputmode": "numeric"})

    def state_key(self) -> tuple[Any, ...]:
        """Everything this form's HTML depends on, as a hashable value: the submitted value
        of each field (all of them, for repeated parameters) and the choices that vary
        (categories, years). Two forms with equal keys render the same characters, with the
        same errors, so the list page keeps the rendered form per key (``{% filter_form %}``;
        ``tests``: equal keys, equal HTML, for valid and invalid input)."""
        data = self.data
        getlist = getattr(data, "getlist", None)
        submitted = tuple(
            (name, tuple(getlist(name)) if getlist is not None else repr(data.get(name)))
            for name in self.fields
        )
        return (
            self.is_bound,
            type(data).__name__,
            submitted,
            tuple(cast(list[tuple[str, str]], self.fields["category"].choices)),  # type: ignore[attr-defined]
            tuple(cast(forms.Select, self.fields["year"].widget).choices),
        )

    def filters(self) -> ActivityFilters:
        """The filters built from every field that parsed; fields in error are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ActivityFilters(
            q=(data.get("q") or "").strip(),
            country=data.get("country") or "",
            category=data.get("category") or "",
            direction=data.get("direction") or "",
            year=data.get("year"),
            statuses=tuple(data.get("status") or ()),
            direction_groups=tuple(data.get("direction_group") or ()),
            start_from=data.get("start_from"),
            start_to=data.get("start_to"),
            agencies=tuple(data.get("agency") or ()),
            person=(data.get("person") or "").strip(),
            organisation=data.get("organisation"),
            started_without_approval=bool(data.get("started_without_approval")),
            origin=data.get("origin") or "",
            missing=data.get("missing") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_from, start_to = data.get("start_from"), data.get("start_to")
        if start_from and start_to and start_from > start_to:
            self.add_error("start_to", "Choose a date on or after the first date.")
            data.pop("start_to", None)
        return data


FILTER_FORMS_KEPT = 256
_kept_filter_forms: dict[tuple[Any, ...], ActivityFilterForm] = {}


def filter_form_for(
    data: QueryDict, *, years: list[int], categories: Iterable[Category]
) -> ActivityFilterForm:
    """The list's filter form for ``data``, validated, kept per process for each state (the
    submitted values of its fields and the choices that vary). Building and validating it
    (16 fields deep-copied, 250 countries checked) cost ~0.7 ms of every list page; two
    requests with equal keys build equal forms (``tests``), and a kept form is only read
    (filters, errors, rendering), never changed. Bounded: the oldest is dropped first."""
    categories = list(categories)
    key = (
        tuple((name, tuple(data.getlist(name))) for name in ActivityFilterForm.base_fields),
        tuple(years),
        tuple((c.slug, c.name) for c in categories),
    )
    form = _kept_filter_forms.get(key)
    if form is None:
        form = ActivityFilterForm(data, years=years, categories=categories)
        form.is_valid()
        if len(_kept_filter_forms) >= FILTER_FORMS_KEPT:
            _kept_filter_forms.pop(next(iter(_kept_filter_forms)), None)
        _kept_filter_forms[key] = form
    return form


# ---------------------------------------------------------------------------------------
# Create / edit
# ---------------------------------------------------------------------------------------

# The model's generic "cannot be blank/null" messages, rewritten as instructions.
_REQUIRED_MESSAGES = {
    "title": "Enter a title.",
    "direction": "Choose a direction.",
    "kind": "Choose a kind.",
    "category": "Choose a category.",
    "purpose": "Describe the purpose of the activity.",
    "start_date": "Enter the start date.",
    "end_date": "Enter the end date.",
}
_GENERIC_REQUIRED = {
    "This field cannot be blank.",
    "This field cannot be null.",
    "This field is required.",
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _select(choices: Choices | None = None) -> forms.Select:
    return forms.Select(choices=choices or [])


def _id_field(label: str, **kwargs: Any) -> forms.IntegerField:
    # An id chosen from a select: parsed here, checked (exists, right agency) by the service.
    return forms.IntegerField(
        label=label,
        required=False,
        widget=_select(),
        min_value=1,
        error_messages={"invalid": "Choose an option from the list."},
        **kwargs,
    )


class ActivityForm(UswdsForm):
    # Choice-like fields are plain fields with a select widget: whether a value is allowed
    # is the service's rule, so a bad value comes back with the service's sentence.
    agency = _id_field("Agency")
    title = forms.CharField(label="Title", required=False, max_length=300)
    direction = forms.CharField(
        label="Direction",
        required=False,
        widget=_select(_with_blank(Direction.choices, "- Select -")),
    )
    kind = forms.CharField(
        label="Kind", required=False, widget=_select(_with_blank(Kind.choices, "- Select -"))
    )
    category = _id_field("Category")
    topics = forms.CharField(
        label="Topics",
        required=False,
        max_length=2000,
        help_text="Optional. Separate topics with commas, e.g. "
        "“victim interviews, financial tracing”.",
    )
    purpose = forms.CharField(
        label="Purpose",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the department expects to learn or teach.",
    )
    justification = forms.CharField(
        label="Justification",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Why the department should take part.",
    )
    host_organisation = _id_field("Host organisation", help_text="Optional.")
    organiser_organisation = _id_field("Organiser organisation", help_text="Optional.")
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter a real date."},
    )
    end_date = forms.DateField(
        label="End date",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter a real date."},
    )
    estimated_cost = forms.DecimalField(
        label="Estimated cost (US dollars)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Optional. Your estimate of the total cost; the approval rules read it.",
        error_messages={"invalid": "Enter an amount in dollars, e.g. 4500 or 4500.50."},
    )

    # Required fields are checked by the service (one rule for page and API); the
    # attribute only tells assistive technology. Pages render the form ``novalidate``.
    REQUIRED = (
        "agency",
        "title",
        "direction",
        "kind",
        "category",
        "purpose",
        "start_date",
        "end_date",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        agencies: QuerySet[Agency] | None,
        organisations: QuerySet[Organisation],
        current_category: Category | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        if agencies is None:
            # Editing, or only one agency: the agency is implicit.
            del self.fields["agency"]
        else:
            self.fields["agency"].widget.choices = _with_blank(
                ((a.pk, a.name) for a in agencies), "- Select -"
            )
        categories = list(category_choices())
        if current_category is not None and current_category not in categories:
            # A retired category stays selectable on the records that already carry it.
            categories.append(current_category)
        self.fields["category"].widget.choices = _with_blank(
            ((c.pk, c.name) for c in categories), "- Select -"
        )
        org_choices = [(o.pk, str(o)) for o in organisations]
        for name in ("host_organisation", "organiser_organisation"):
            self.fields[name].widget.choices = _with_blank(org_choices, "None")
        for name in self.REQUIRED:
            if name in self.fields:
                self.fields[name].widget.attrs["required"] = True

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            "title": activity.title,
            "direction": activity.direction,
            "kind": activity.kind,
            "category": activity.category_id,
            "topics": ", ".join(t.name for t in activity.topics.all()),
            "purpose": activity.purpose,
            "justification": activity.justification,
            "host_organisation": activity.host_organisation_id or "",
            "organiser_organisation": activity.organiser_organisation_id or "",
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "estimated_cost": activity.estimated_cost,
        }

    def selected_agency_id(self) -> int | None:
        data = getattr(self, "cleaned_data", {})
        return data.get("agency")


def _row_label(text: str, noun: str, number: int) -> SafeString:
    # The visible label stays short; the row number is for screen readers and for
    # anyone addressing the field by its full name, e.g. "Country (location 2)".
    return format_html('{}<span class="usa-sr-only"> ({} {})</span>', text, noun, number)


class LocationForm(forms.Form):
    bound_field_class = UswdsBoundField

    country = forms.CharField(label="Country", required=False, max_length=2)
    city = forms.CharField(label="City", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].widget = _select(country_choices("- Select -"))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("country") or (data.get("city") or "").strip())

    def to_input(self) -> LocationInput:
        return LocationInput(
            country=self.cleaned_data.get("country") or "",
            city=(self.cleaned_data.get("city") or "").strip(),
        )


# "Ada Lindqvist (10001)": what the autocomplete puts in the box, and what the page shows
# back after an edit; the serial number in the last brackets names the employee.
_CHOSEN = re.compile(r"\((?P<serial>[^()\s]+)\)\s*$")


class ParticipantForm(forms.Form):
    bound_field_class = UswdsBoundField

    # The data key stays ``serial_number`` (the service's name for it and a stable form
    # contract); what the user types may be a serial number or part of a name.
    serial_number = forms.CharField(
        label="Employee: name or serial number", required=False, max_length=200
    )
    external_person = _id_field("External person")
    role = forms.CharField(
        label="Role",
        required=False,
        initial=ParticipantRole.ATTENDEE,
        widget=_select([(str(v), str(label)) for v, label in ParticipantRole.choices]),
    )

    def __init__(
        self,
        *args: Any,
        external_choices: Choices,
        candidates: QuerySet[Employee] | None = None,
        lookup_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        if lookup_url:
            # forms.js turns the box into an autocomplete; without JavaScript it stays a
            # text box and the name is resolved on save (``clean_serial_number``).
            self.fields["serial_number"].widget.attrs.update(
                {"data-lookup-url": lookup_url, "autocomplete": "off", "spellcheck": "false"}
            )
        if external_choices:
            self.fields["external_person"].widget.choices = _with_blank(external_choices, "None")
        else:
            # People who may not read external persons (employees) name colleagues only.
            del self.fields["external_person"]

    def clean_serial_number(self) -> str:
        """A serial number, "Name (serial)" as the autocomplete fills it in, or words of a
        name that match exactly one person the user may name; the service then checks the
        serial number like any other."""
        text = " ".join((self.cleaned_data.get("serial_number") or "").split())
        chosen = _CHOSEN.search(text)
        if chosen:
            return chosen.group("serial")
        if not text or self.candidates is None:
            return text
        if self.candidates.filter(serial_number=text).exists() or text.isdigit():
            return text
        matches = list(employees_matching(self.candidates, text)[:4])
        if len(matches) == 1:
            return matches[0].serial_number
        if not matches:
            raise ValidationError(
                f"No one you may add matches “{text}”: type a serial number or part of a name."
            )
        examples = "; ".join(f"{m.first_name} {m.last_name} ({m.serial_number})" for m in matches)
        raise ValidationError(
            f"More than one person matches “{text}” (e.g. {examples}): "
            "type more of the name or the serial number."
        )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not ((data.get("serial_number") or "").strip() or data.get("external_person"))

    def to_input(self) -> ParticipantInput:
        return ParticipantInput(
            serial_number=(self.cleaned_data.get("serial_number") or "").strip(),
            external_person_id=self.cleaned_data.get("external_person"),
            role=self.cleaned_data.get("role") or ParticipantRole.ATTENDEE,
        )


class RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Numbered rows; rows left entirely blank are ignored."""

    noun = "row"

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None:
            for field in form.fields.values():
                field.label = _row_label(str(field.label), self.noun, index + 1)

    def filled_forms(self) -> list[Any]:
        """The rows with something in them, in order: what the service receives, so
        ``locations[i]`` in a service error is ``filled_forms()[i]``."""
        return [f for f in self.forms if not f.is_blank()]


class LocationFormSet(RowFormSet):
    noun = "location"


class ParticipantFormSet(RowFormSet):
    noun = "participant"

    def __init__(
        self,
        *args: Any,
        external_choices: Choices,
        candidates: QuerySet[Employee] | None = None,
        lookup_url: str = "",
        **kwargs: Any,
    ) -> None:
        self.external_choices = external_choices
        self.candidates = candidates
        self.lookup_url = lookup_url
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(index),
            "external_choices": self.external_choices,
            "candidates": self.candidates,
            "lookup_url": self.lookup_url,
        }


LOCATION_ROWS = 3
PARTICIPANT_ROWS = 5
MAX_ROWS = {"locations": 100, "participants": 500}


# ---------------------------------------------------------------------------------------
# Adding and removing rows without saving
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowEdit:
    """A request to add a row to, or remove one from, a formset: what the "Add a
    location" and "Remove participant 3" buttons send (``add_row=locations``,
    ``remove_row=participants-2``). The form is re-rendered; nothing is saved."""

    group: str
    index: int | None = None  # None: add a row at the end

    @property
    def noun(self) -> str:
        return self.group.removesuffix("s")

    @classmethod
    def from_post(cls, data: Any) -> RowEdit | None:
        add = str(data.get("add_row", ""))
        if add in MAX_ROWS:
            return cls(add)
        group, _, index = str(data.get("remove_row", "")).rpartition("-")
        if group in MAX_ROWS and index.isdigit() and len(index) < 5:
            return cls(group, int(index))
        return None

    def apply(self, data: QueryDict) -> QueryDict:
        """A copy of ``data`` with the row added or removed (later rows move up one)."""
        data = data.copy()
        total_key, initial_key = f"{self.group}-TOTAL_FORMS", f"{self.group}-INITIAL_FORMS"
        total = _count(data.get(total_key))
        if self.index is None:
            data[total_key] = str(min(total + 1, MAX_ROWS[self.group]))
            return data
        if self.index >= total:
            return data
        row_key = re.compile(rf"^{self.group}-(\d+)-(.+)$")
        rows: dict[int, dict[str, list[str]]] = {}
        for key in list(data.keys()):
            match = row_key.match(key)
            if match:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = data.getlist(key)
                del data[key]
        kept = [rows.get(i, {}) for i in range(total) if i != self.index]
        for new_index, row in enumerate(kept):
            for name, values in row.items():
                data.setlist(f"{self.group}-{new_index}-{name}", values)
        data[total_key] = str(total - 1)
        data[initial_key] = str(min(_count(data.get(initial_key)), total - 1))
        return data

    def focus_id(self, total: int) -> str:
        """The control that takes the focus once the form is shown again: the first field
        of a new row, or after a removal the row that moved into its place (else the
        "Add" button)."""
        first = "country" if self.group == "locations" else "serial_number"
        if self.index is None:
            return f"id_{self.group}-{total - 1}-{first}"
        if self.index < total:
            return f"id_{self.group}-{self.index}-{first}"
        return f"add-{self.group}"


def _count(value: Any) -> int:
    text = str(value or "0")
    return min(int(text), 10_000) if text.isdigit() and len(text) < 6 else 0


def location_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> LocationFormSet:
    initial = initial or []
    cls = forms.formset_factory(
        LocationForm,
        formset=LocationFormSet,
        extra=max(LOCATION_ROWS - len(initial), 1),
        max_num=MAX_ROWS["locations"],
        validate_max=True,
    )
    return cast(LocationFormSet, cls(data, initial=initial, prefix="locations"))


def participant_formset(
    data: Any = None,
    *,
    initial: list[dict[str, Any]] | None = None,
    external_choices: Choices,
    candidates: QuerySet[Employee] | None = None,
    lookup_url: str = "",
) -> ParticipantFormSet:
    initial = initial or []
    # A few empty rows to start with; "Add a participant" adds more without saving.
    cls = forms.formset_factory(
        ParticipantForm,
        formset=ParticipantFormSet,
        extra=max(PARTICIPANT_ROWS - len(initial), 1),
        max_num=MAX_ROWS["participants"],
        validate_max=True,
    )
    formset = cast(Any, cls)(
        data,
        initial=initial,
        prefix="participants",
        external_choices=external_choices,
        candidates=candidates,
        lookup_url=lookup_url,
    )
    return cast(ParticipantFormSet, formset)


def external_person_choices(people: Iterable[ExternalPerson], *, with_agency: bool) -> Choices:
    choices = []
    for person in people:
        label = person.full_name
        if person.organisation is not None:
            label += f" ({person.organisation.name})"
        if with_agency:
            label += f" — {person.agency.name}"
        choices.append((str(person.pk), label))
    return choices


def location_initial(activity: Activity) -> list[dict[str, Any]]:
    # str() of a django-countries Country is its ISO code.
    return [{"country": str(loc.country), "city": loc.city} for loc in activity.locations.all()]


def participant_initial(activity: Activity) -> list[dict[str, Any]]:
    rows = []
    for p in activity.participations.select_related("employee").order_by("id"):
        rows.append(
            {
                "serial_number": employee_choice_label(p.employee) if p.employee else "",
                "external_person": str(p.external_person_id or ""),
                "role": p.role,
            }
        )
    return rows


def activity_input(
    form: ActivityForm, locations: LocationFormSet, participants: ParticipantFormSet
) -> ActivityInput:
    """The service input from three valid forms (blank rows left out)."""
    data = form.cleaned_data

    return ActivityInput(
        title=data.get("title") or "",
        direction=data.get("direction") or "",
        kind=data.get("kind") or "",
        category_id=data.get("category"),
        purpose=data.get("purpose") or "",
        justification=data.get("justification") or "",
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        estimated_cost=data.get("estimated_cost"),
        topics=[t for t in (data.get("topics") or "").split(",") if t.strip()],
        host_organisation_id=data.get("host_organisation"),
        organiser_organisation_id=data.get("organiser_organisation"),
        locations=[f.to_input() for f in locations.filled_forms()],
        participants=[f.to_input() for f in participants.filled_forms()],
    )


_ROW_KEY = re.compile(r"^(locations|participants)\[(\d+)\](?:\.(\w+))?$")
# Service field names that a row form shows under another name.
_ROW_FIELDS = {
    "employee": "serial_number",
    "serial_number": "serial_number",
    "external_person": "external_person",
    "country": "country",
    "city": "city",
    "role": "role",
}


def apply_service_errors(
    exc: ValidationError,
    form: ActivityForm,
    locations: LocationFormSet,
    participants: ParticipantFormSet,
) -> None:
    """Put each message of the service's ``ValidationError`` on the field that caused it:
    ``end_date`` on the form, ``locations[1].country`` on the second filled location row's
    country, ``participants[0]`` on the first filled participant row as a whole."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    # Which rows were filled must be read before any add_error(), which drops the field
    # from cleaned_data and could make a row look blank.
    filled = {"locations": locations.filled_forms(), "participants": participants.filled_forms()}
    for key, texts in messages.items():
        field_key = key.removesuffix("_id")
        match = _ROW_KEY.match(key)
        if match:
            group, index, name = match.group(1), int(match.group(2)), match.group(3)
            rows = filled[group]
            row = rows[index] if index < len(rows) else None
            target = _ROW_FIELDS.get(name or "")
            for text in texts:
                if row is None:
                    form.add_error(None, f"{group} row {index + 1}: {text}")
                elif target and target in row.fields:
                    row.add_error(target, text)
                else:
                    row.add_error(None, text)
        elif key == "locations":
            # The formset-wide problem ("give at least one location") goes on the first row
            # so that it sits next to a control the user can fix.
            first = locations.forms[0]
            for text in texts:
                first.add_error("country", text)
        elif field_key in form.fields:
            for text in texts:
                if text in _GENERIC_REQUIRED and field_key in _REQUIRED_MESSAGES:
                    text = _REQUIRED_MESSAGES[field_key]
                form.add_error(field_key, text)
        else:
            for text in texts:
                form.add_error(None, text if key == "__all__" else f"{key}: {text}")
