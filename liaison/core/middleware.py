"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    """Under /api/, every error is JSON in the API's shape (``{"message", "errors"}``),
    even those that never reach an API handler: Django's 404 for a path no route
    matches, ninja's 405 for a method an endpoint does not take, and the 500 page for an
    unexpected failure. Pages outside /api/ keep their HTML error pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        messages = {
            404: "Not found.",
            405: f"The method {request.method} is not allowed here.",
            500: "Something went wrong on our side.",
        }
        message = messages.get(status) or HTTPStatus(status).phrase + "."
        replacement = JsonResponse(
            {"message": message, "errors": {}}, status=status, json_dumps_params={}
        )
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement


class NoStoreMiddleware:
    """Every page and API answer carries records (or a sign-in form): none may be kept by
    the browser's cache or a proxy, so a shared workstation's back button or a cache
    shows nothing after sign-out (ASVS 8.2.1). A view that sets its own Cache-Control
    keeps it. Static files never reach this middleware: WhiteNoise, above it, answers
    them with their long cache lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
