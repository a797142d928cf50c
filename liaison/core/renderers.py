"""The form renderer: Django's own, with its plainest widget templates written in Python.

Every ``<input>`` Django renders (text, date, number, e-mail, hidden, check box, and each
option of a check-box or radio list) goes through ``django/forms/widgets/input.html`` and
its ``attrs.html``: two templates per control. On the busiest page (the activity list,
whose filter form has six inputs and a dozen check boxes) that cost ~1.5 ms a request.
These functions write the same characters (``tests``: every widget type, both renderers,
compared byte for byte); any other template, or one a project overrides, still goes
through the template engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _input(widget: dict[str, Any]) -> str:
    # input.html: <input type="…" name="…"{% if value != None %} value="…"{% endif %}{attrs}>
    parts = [
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"'
    ]
    value = widget["value"]
    if value is not None:
        parts.append(f' value="{conditional_escape(value)}"')
    # attrs.html: False leaves the attribute out, True writes its bare name.
    for name, attr in widget["attrs"].items():
        if attr is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if attr is not True:
            parts.append(f'="{conditional_escape(attr)}"')
    parts.append(">")
    return "".join(parts)


def _input_option(widget: dict[str, Any]) -> str:
    # input_option.html: the input, wrapped in its label when the widget asks for it.
    if not widget.get("wrap_label"):
        return _input(widget)
    element_id = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(element_id)}"' if element_id else ""
    # The included input.html ends with a newline, which only the outer render strips.
    label = conditional_escape(widget["label"])
    return f"<label{label_for}>{_input(widget)}\n {label}</label>"


_INPUTS = (
    "input", "text", "date", "datetime", "time", "number", "email", "url", "password",
    "hidden", "checkbox", "search", "tel", "color",
)  # fmt: skip
_IN_PYTHON: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS},
    **{
        f"django/forms/widgets/{name}.html": _input_option
        for name in ("input_option", "checkbox_option", "radio_option")
    },
}


class LiaisonFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        in_python = _IN_PYTHON.get(template_name)
        if in_python is not None and "widget" in context:
            return in_python(context["widget"])
        return super().render(template_name, context, request)
