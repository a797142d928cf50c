"""Administrators manage accounts, agencies and role grants here.

Every change made here leaves a history row naming the administrator (the history
middleware attributes admin saves). Two records are guarded (docs/adr/0004-history.md):
users are deactivated, never deleted; API tokens are read-only apart from revoking.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from simple_history.admin import SimpleHistoryAdmin

from liaison.accounts.models import Agency, ApiToken, RoleGrant, User
from liaison.accounts.reauth import reauthentication_required
from liaison.accounts.services import (
    api_token_revoke_as_administrator,
    mfa_remove,
    user_deactivate,
    user_sign_out_everywhere,
)
from liaison.core.errors import Forbidden


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class LiaisonUserAdmin(SimpleHistoryAdmin, UserAdmin):
    inlines = [RoleGrantInline]
    actions = ["deactivate", "sign_out_everywhere", "reset_mfa"]

    # Granting roles (the inline above) and every other change to an account is a
    # sensitive action: the admin asks for the password or an MFA code again unless one
    # was given within REAUTH_MINUTES (ADR 0021).
    @method_decorator(reauthentication_required)
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Sign the selected users out everywhere", permissions=["change"])
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(request, queryset, user_sign_out_everywhere, "Signed out")

    @admin.action(
        description="Reset MFA of the selected users (lost authenticator)", permissions=["change"]
    )
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(request, queryset, mfa_remove, "Reset MFA of")

    def _each(
        self, request: HttpRequest, queryset: QuerySet[User], service: Any, done: str
    ) -> None:
        count = 0
        for user in queryset:
            try:
                service(actor=request.user, user=user)
            except Forbidden as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)
            else:
                count += 1
        self.message_user(request, f"{done} {count} user(s).", messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a user would turn every history row they wrote into "system".
        return False

    @admin.action(description="Deactivate the selected users", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                user_deactivate(actor=request.user, user=user)
            except Forbidden as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"Deactivated {done} user(s).", messages.SUCCESS)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "ori_code", "state")
    search_fields = ("name", "ori_code")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Read-only: a changed owner would let the token act as someone else, and a cleared
    revocation would bring a withdrawn credential back. Tokens are created by their
    owners on the tokens page; here they can only be seen and revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.change_apitoken"))

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke_as_administrator(actor=request.user, token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin signs in through Liaison's own sign-in page, never its own form: that
    page is the one with the MFA step (ADR 0021), the lockout and the banner."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url)


admin.site.login = _admin_login  # type: ignore[method-assign]
