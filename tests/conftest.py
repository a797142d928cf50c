"""Fixtures for the browser tests: ``page``, a fresh Chromium page (Debian's Chromium
driven by Playwright's sync API)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Flags for a sandboxed, offline machine: no first-run, no background network chatter.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Runs in every document before its own scripts (Playwright's init scripts are not subject
# to the page's Content-Security-Policy) and reports each violation to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${document.location.pathname}`
  );
});
"""


def watch_for_csp_violations(context: Any) -> list[str]:
    """Collect every Content-Security-Policy violation in ``context``'s pages: the DOM's
    ``securitypolicyviolation`` events and Chromium's console errors about the policy."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


@pytest.fixture
def page() -> Iterator[Any]:
    """A Chromium page that runs under the site's Content-Security-Policy: a journey that
    trips it (an inline script or style, htmx's indicator style) fails at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        context.set_default_timeout(15_000)
        violations = watch_for_csp_violations(context)
        yield context.new_page()
        context.close()
        browser.close()
        assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
