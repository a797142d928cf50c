"""HTML input for accounts: sign-in and naming a new API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

from liaison.accounts.access import agencies_for_new_record
from liaison.accounts.models import Agency, Role, TokenScope
from liaison.core.forms import UswdsBoundField, UswdsForm

LOCAL_PASSWORDS_OFF = (
    "Your agency signs in through single sign-on only: use the single sign-on button."
)


class LoginForm(AuthenticationForm):
    """Django's sign-in form (rate of failures, inactive users, etc. handled there),
    rendered with USWDS classes. A user holding a role in an agency that switched local
    passwords off is refused here (ADR 0021)."""

    bound_field_class = UswdsBoundField

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from liaison.accounts.services import local_passwords_allowed

        if not local_passwords_allowed(user):
            raise ValidationError(LOCAL_PASSWORDS_OFF, code="local_passwords_off")


class ApiTokenForm(UswdsForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        required=False,
        help_text="Optional. What the token is for, e.g. “nightly export script”.",
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        help_text="Read only unless the script must change records.",
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Every agency where I hold a role",
        help_text="Limit the token to one agency's records.",
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        required=False,
        help_text="At most the deployment's limit.",
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for_new_record(user, roles=Role.values)  # type: ignore[attr-defined]
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_DAYS
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].help_text = f"1 to {settings.API_TOKEN_DAYS}."
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_DAYS))


class UnlockForm(UswdsForm):
    username = forms.CharField(label="Account name", max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label="Address", required=False)


def apply_service_errors(
    form: forms.Form, exc: ValidationError, fields: dict[str, str] | None = None
) -> None:
    """Put each message of a service's ``ValidationError`` on the form field it names
    (``fields`` renames service keys, e.g. ``agency_id`` → ``agency``); others go on top."""
    rename = fields or {}
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, texts in messages.items():
        field = rename.get(key, key)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


class MfaCodeForm(UswdsForm):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        # Checked by the view: a security key's answer comes without a code.
        required=False,
        help_text="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes (like 1a2b3-c4d5e).",
    )

    def __init__(self, *args: Any, recovery: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        )
        if not recovery:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ReauthPasswordForm(UswdsForm):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
