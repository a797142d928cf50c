"""HTML input for accounts: sign-in and naming a new API token."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from liaison.core.forms import UswdsBoundField, UswdsForm


class LoginForm(AuthenticationForm):
    """Django's sign-in form (rate of failures, inactive users, etc. handled there),
    rendered with USWDS classes."""

    bound_field_class = UswdsBoundField


class ApiTokenForm(UswdsForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        required=False,
        help_text="Optional. What the token is for, e.g. “nightly export script”.",
    )
