"""Project-wide pages: the home redirect, the health check, the data dictionary and the
error pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from liaison.core.errors import Forbidden, NotFound

ViewFunc = Callable[..., HttpResponseBase]


def domain_errors_as_http[View: ViewFunc](view: View) -> View:
    """Let page views call ``access_*`` and services without try/except: ``NotFound``
    becomes a 404 page and ``Forbidden`` a 403 page, each with the domain's own message,
    the same statuses the API answers for the same errors."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    # The same signature as ``view``: a page that streams (an export) keeps its type.
    return cast(View, wrapper)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("activities:list")
    return redirect("accounts:login")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers only when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def data_dictionary_page(request: HttpRequest) -> HttpResponse:
    """Every export's columns, for any signed-in user: what a downloaded file means."""
    from liaison.core.dictionary import data_dictionary

    return render(request, "data_dictionary.html", {"exports": data_dictionary()})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": str(exception or "")}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)
