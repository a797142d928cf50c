"""Who is asking, from where: the client's address and browser, read in one way for the
sign-in lockout (django-axes), the authentication log and the API rate limits.

Behind a proxy, ``REMOTE_ADDR`` is the proxy's address. ``CLIENT_IP_HEADER`` (e.g.
``HTTP_X_FORWARDED_FOR``) names the header the deployment's own proxy appends the real
address to; its *last* entry is taken, the one the trusted proxy wrote (a client can put
anything in the earlier ones).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None
    user_agent: str


_current: ContextVar[ClientInfo | None] = ContextVar("liaison_client", default=None)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``None`` when the server was not told one)."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return _valid_ip(request.META[header].split(",")[-1])
    return _valid_ip(request.META.get("REMOTE_ADDR", "") or "")


def client_of(request: HttpRequest) -> ClientInfo:
    return ClientInfo(
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") or "")[:300],
    )


def current_client() -> ClientInfo | None:
    """The client of the request being served, if any (``None`` in commands and tasks):
    services log where a write came from without taking the request as an argument."""
    return _current.get()


class ClientMiddleware:
    """Remember the current request's client for ``current_client``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(client_of(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
