"""No URL ships unclassified (STYLE.md rule 9).

Walk the whole URLconf and ask every route, anonymously, with GET and POST. A route must
either be on the public allow-list below, or refuse an anonymous caller: pages redirect
to the sign-in page, the API answers 401, the Django admin redirects to its own sign-in.
A new route that does neither fails this test until someone decides what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Routes anyone may reach: the reason, and what an anonymous GET answers.
PUBLIC_ROUTES: dict[str, tuple[str, int]] = {
    "/healthz": ("load-balancer liveness; reveals nothing", 200),
    "/accounts/login/": ("the sign-in page", 200),
    "/accounts/logout/": ("signing out is harmless; POST only", 405),
    "/api/v1/openapi.json": ("the API description is public documentation", 200),
    "/api/v1/docs": ("interactive API documentation (calls still need a token)", 200),
    "/admin/login/": ("Django admin sign-in", 200),
    "/admin/logout/": ("Django admin sign-out; GET redirects to the admin", 302),
    "/api/v1/": ("django-ninja's root route; answers 404 with nothing in it", 404),
}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route


def _concrete(route: str) -> str:
    """Turn a route pattern into a URL with sample arguments."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<(?:int:)?[a-z_]+>", "1", route)
    route = re.sub(r"<path:[a-z_]+>", "x", route)
    route = re.sub(r"<(?:str|slug):[a-z_]+>", "x", route)
    route = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route)
    route = route.replace("\\", "")
    return "/" + route


ALL_URLS = sorted({_concrete(r) for r in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_routes_we_know() -> None:
    # Guards the walker itself: if it found nothing, every other assertion would be vacuous.
    for expected in (
        "/activities/",
        "/activities/1/",
        "/api/v1/activities",
        "/oversight/",
        "/people/employees/1/",
        "/api/v1/oversight/summary",
    ):
        assert expected in ALL_URLS, expected


@pytest.mark.django_db
@pytest.mark.parametrize("url", ALL_URLS)
def test_every_route_is_public_or_refuses_anonymous_callers(url: str) -> None:
    if url in PUBLIC_ROUTES:
        return
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        status = response.status_code
        if url.startswith("/admin/"):
            assert status in (302, 404, 405), (method, url, status)
            if status == 302:
                assert response["Location"].startswith("/admin/login/"), (method, url)
        elif url.startswith("/api/"):
            assert status in (401, 405), (method, url, status)
        else:
            assert status in (302, 405), (method, url, status)
            if status == 302:
                assert response["Location"].startswith("/accounts/login/"), (method, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_anonymous_callers(url: str) -> None:
    assert Client().get(url).status_code == PUBLIC_ROUTES[url][1]
