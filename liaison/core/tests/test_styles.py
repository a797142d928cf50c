"""Colours the project stylesheet sets meet WCAG 1.4.3 (4.5:1 for body-size text)."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "liaison" / "liaison.css"
WHITE = "#ffffff"
BASE_LIGHTEST = "#f0f0f0"  # USWDS bg-base-lightest, the panels on the activity page


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_known_values() -> None:
    assert round(contrast("#000000", WHITE), 1) == 21.0
    # USWDS's own hint grey: fine on white, not on the light grey panels.
    assert 4.5 < contrast("#71767a", WHITE) < 4.7
    assert contrast("#71767a", BASE_LIGHTEST) < 4.5


def test_hint_text_meets_4_5_to_1_on_white_and_on_grey_panels() -> None:
    css = STYLESHEET.read_text()
    rules = re.findall(r"\.usa-hint\s*\{[^}]*color:\s*(#[0-9a-fA-F]{6})", css)
    assert rules, "liaison.css no longer sets the hint colour"
    colour = rules[-1]
    assert contrast(colour, WHITE) >= 4.5
    assert contrast(colour, BASE_LIGHTEST) >= 4.5
