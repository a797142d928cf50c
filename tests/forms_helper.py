"""Fill in a page's form as a browser would, for tests that act through the real pages.

``form_values(html)`` reads every control of the first ``<form method="post">`` whose
action matches, with the value the page put there (a select's chosen option, a checked
box), so a test changes only the fields it cares about and posts the rest unchanged —
whatever extra controls (formset rows, hidden management fields) the page renders.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.in_form = False
        self.done = False
        self.values: dict[str, str] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._option_text = ""
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if self.done:
            return
        if tag == "form" and a.get("method", "get").lower() == "post":
            # The page's own form posts to itself (no action, or its own URL); the
            # header's sign-out form, for one, does not.
            if a.get("action", "") in ("", self.action):
                self.in_form = True
            return
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
            self.values.setdefault(name, "")
        elif tag == "option" and self._select:
            self._option = a.get("value", "")
            self._option_text = ""
            if "selected" in a:
                self.values[self._select] = self._option
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._select and self._option is not None:
            self.options[self._select].append((self._option, self._option_text.strip()))
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data
        elif self._option is not None:
            self._option_text += data


def form_values(html: bytes | str, *, action: str) -> dict[str, Any]:
    """The values the page's POST form that submits to ``action`` (its own URL) would
    send."""
    reader = _FormReader(action)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    assert reader.done or reader.values, "no POST form found on the page"
    return dict(reader.values)


def option_value(html: bytes | str, field: str, label: str) -> str:
    """The value of the option labelled ``label`` (a substring) in select ``field``."""
    reader = _FormReader("")
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    for value, text in reader.options.get(field, []):
        if label in text:
            return value
    raise AssertionError(f"no option “{label}” in {field}: {reader.options.get(field)}")
