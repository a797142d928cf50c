"""Country codes as users type them: one shape check before django-countries sees them.

django-countries reads a code made of digits as a numeric ISO 3166 code with ``int()``,
which fails — a 500 — on other Unicode digits such as "²" (schemathesis found it). Every
service that takes a country code runs it through ``country_code`` first, so such input is
a field error like any other unknown code.
"""

from __future__ import annotations

import functools
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django_countries import countries

ISO_ALPHA2 = re.compile(r"[A-Z]{2}")


def not_a_code(value: object) -> str:
    return f"“{value}” is not an ISO 3166 country code."


def country_code(value: object, *, field: str = "country") -> str:
    """``value`` stripped and upper-cased; empty stays empty (the model says whether it may
    be). Raises ``ValidationError`` keyed by ``field`` when it is not two letters A–Z;
    whether the code names a country is left to the model's validation."""
    code = str(value or "").strip().upper()
    if code and not ISO_ALPHA2.fullmatch(code):
        raise ValidationError({field: [not_a_code(value)]})
    return code


@functools.lru_cache(maxsize=16)
def _names(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}


def country_name(code: str) -> str:
    """The country's name in the active language, as ``Country(code).name`` gives it,
    from a table built once per language: the lazy translation behind ``.name`` cost the
    activity list ~0.05 ms a location. An unknown code gives itself back."""
    return _names(translation.get_language()).get(code, code)


def country_name_in(code: str, language: str | None) -> str:
    """``country_name`` for a caller that read the active language already (once for many
    names): ``language`` must be ``translation.get_language()``."""
    return _names(language).get(code, code)
