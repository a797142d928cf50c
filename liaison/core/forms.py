"""Form helpers shared by every app's pages: USWDS classes and the error summary.

Templates render fields through ``templates/includes/field.html``; the classes USWDS needs
on the widget itself (``usa-input``, ``usa-input--error`` …) are added here at render time,
so a form only has to set ``bound_field_class = UswdsBoundField`` (or inherit
``UswdsForm``) and every field, including ones added in ``__init__``, is styled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import strip_tags

# Widget class name → the USWDS class for the control itself.
_WIDGET_CLASSES: dict[str, str] = {
    "Select": "usa-select",
    "SelectMultiple": "usa-select",
    "NullBooleanSelect": "usa-select",
    "Textarea": "usa-textarea",
    "CheckboxInput": "usa-checkbox__input",
    "CheckboxSelectMultiple": "usa-checkbox__input",
    "RadioSelect": "usa-radio__input",
    "ClearableFileInput": "usa-file-input",
    "FileInput": "usa-file-input",
}
# Controls that have no "--error" modifier in USWDS.
_NO_ERROR_MODIFIER = {"usa-checkbox__input", "usa-radio__input", "usa-file-input"}


def uswds_class(widget: forms.Widget) -> str:
    if widget.is_hidden:
        return ""
    for cls in type(widget).__mro__:
        if cls.__name__ in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[cls.__name__]
    return "usa-input"


class UswdsBoundField(BoundField):
    """A BoundField that adds the USWDS control class, and its error modifier when the
    field has errors (Django itself adds ``aria-invalid`` and ``aria-describedby``)."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = uswds_class(widget)
        if css:
            classes = [str(attrs.get("class") or widget.attrs.get("class") or ""), css]
            if self.errors and css not in _NO_ERROR_MODIFIER:
                classes.append(f"{css}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs


class UswdsForm(forms.Form):
    bound_field_class = UswdsBoundField
    # Errors come back from the server with sentences next to each field; the browser's
    # own bubbles would pre-empt them, so pages render forms with ``novalidate``.


@dataclass(frozen=True)
class ErrorItem:
    """One line of an error summary: the id of the control to jump to, and the text."""

    target: str
    label: str
    message: str


def error_items(*forms_or_formsets: Any) -> list[ErrorItem]:
    """Every error of the given forms and formsets, in page order, for
    ``includes/error_summary.html`` (``{% include … with errors=error_items %}``)."""
    items: list[ErrorItem] = []
    for obj in forms_or_formsets:
        if obj is None:
            continue
        if isinstance(obj, forms.BaseFormSet):
            anchor = f"{obj.prefix}-errors"
            items += [ErrorItem(anchor, "", str(m)) for m in obj.non_form_errors()]
            for form in obj.forms:
                items += error_items(form)
            continue
        anchor = f"{obj.prefix}-errors" if obj.prefix else "form-errors"
        items += [ErrorItem(anchor, "", str(m)) for m in obj.non_field_errors()]
        for field in obj:
            for message in field.errors:
                items.append(
                    ErrorItem(
                        field.id_for_label or field.auto_id,
                        strip_tags(str(field.label)),
                        str(message),
                    )
                )
    return items
