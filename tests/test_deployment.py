"""Browser and deployment protections (issue 10, part 7; docs/security.md).

A strict Content-Security-Policy on every answer and no template that would need a looser
one; HTTPS enforced outside DEBUG (redirect and HSTS); nothing with records in it kept in
a cache; a server that will not start with the published development key; a clean
``check --deploy`` for a production configuration; the CJIS system-use notification on
the sign-in page.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from liaison.accounts.models import User
from liaison.activities.tests.factories import ActivityFactory

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in (ROOT / "liaison").rglob("*.html") if "node_modules" not in p.parts)


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [d.strip().split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(clerk: User) -> None:
    for response in (Client().get("/accounts/login/"), client_for(clerk).get("/activities/")):
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert not any("unsafe" in v for values in policy.values() for v in values)


def test_there_are_templates_to_read() -> None:
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_inline_script_or_style(template: Path) -> None:
    # The policy would block these in the browser; refusing them here names the file.
    text = template.read_text()
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert not re.search(r"<style[\s>]", text), "<style> element"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text
    assert "hx-on" not in text, "htmx inline handler (evaluated as script)"
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
def test_the_base_page_tells_htmx_not_to_inject_its_indicator_style(clerk: User) -> None:
    page = client_for(clerk).get("/activities/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


@pytest.mark.django_db
def test_record_pages_and_api_answers_are_never_cached(clerk: User, agency: Any) -> None:
    activity = ActivityFactory.create(agency=agency)
    client = client_for(clerk)
    for url in (
        f"/activities/{activity.pk}/",
        "/activities/",
        f"/api/v1/activities/{activity.pk}",
        "/api/v1/me",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    assert "no-store" in Client().get("/accounts/login/")["Cache-Control"]
    # An error answer carries nothing cacheable either.
    assert "no-store" in client.get("/api/v1/activities/999999")["Cache-Control"]


@pytest.mark.django_db
def test_static_files_keep_their_cache(clerk: User) -> None:
    response = Client().get("/static/liaison/liaison.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_check(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db
def test_https_answers_carry_hsts(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/accounts/login/", secure=True)
    hsts = "max-age=31536000; includeSubDomains; preload"
    assert response["Strict-Transport-Security"] == hsts


# The test run's own settings, and Playwright's DJANGO_ALLOW_ASYNC_UNSAFE (which Django's
# deployment check rightly refuses), are not the deployment under test.
NOT_PASSED_ON = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    return subprocess.run(  # noqa: S603 (our interpreter, our code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "liaison.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SETTINGS_CODE = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
)


def test_https_is_enforced_by_default_outside_debug_and_not_in_debug() -> None:
    assert _python(SETTINGS_CODE, DEBUG="0").stdout.split() == ["True", "31536000", "True"]
    assert _python(SETTINGS_CODE, DEBUG="1").stdout.split() == ["False", "0", "False"]


def test_the_server_refuses_to_start_with_debug_off_and_the_development_key() -> None:
    refused = _python("import liaison.wsgi", DEBUG="0")
    assert refused.returncode != 0
    assert "refuses to serve with DEBUG off and the development SECRET_KEY" in refused.stderr
    assert _python("import liaison.asgi", DEBUG="0").returncode != 0
    key = secrets.token_urlsafe(50)
    assert _python("import liaison.wsgi", DEBUG="0", SECRET_KEY=key).returncode == 0
    assert _python("import liaison.wsgi", DEBUG="1").returncode == 0


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "liaison.example.gov",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_for_a_production_configuration() -> None:
    result = _check_deploy(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_key() -> None:
    result = _check_deploy(**PRODUCTION)
    assert result.returncode != 0
    assert "liaison.E001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_the_sign_in_page_shows_the_system_use_notification(settings: Any) -> None:
    assert "System use notification" not in Client().get("/accounts/login/").content.decode()
    settings.LOGIN_BANNER = "You are accessing a criminal justice information system."
    page = Client().get("/accounts/login/").content.decode()
    assert "System use notification" in page
    assert "You are accessing a criminal justice information system." in page
