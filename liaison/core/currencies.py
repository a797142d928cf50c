"""ISO 4217 currency codes, and the one check every money input runs through.

The list is the standard's active alphabetic codes (the funds codes and precious metals
left out: nobody pays a trip in troy ounces). Kept here, like ``countries.py``, rather than
as a dependency: it changes a few times a decade, and a change is one line reviewed in a PR.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ISO_ALPHA3 = re.compile(r"[A-Z]{3}")

# Active ISO 4217 codes (List One), alphabetic.
CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER
    ZAR ZMW ZWG
    """.split()  # noqa: SIM905 — a table to read and diff, not a list literal of 150 strings
)


def currency_code(value: object, *, field: str = "currency") -> str:
    """``value`` stripped and upper-cased, or a ``ValidationError`` keyed by ``field`` that
    says why: empty, not three letters, or not an ISO 4217 code."""
    code = str(value or "").strip().upper()
    if not code:
        raise ValidationError({field: ["Give the currency as an ISO 4217 code, e.g. USD."]})
    if not ISO_ALPHA3.fullmatch(code) or code not in CURRENCIES:
        raise ValidationError(
            {field: [f"“{value}” is not an ISO 4217 currency code (e.g. USD, EUR, ILS)."]}
        )
    return code
