from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only: signing out is a state change.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("auth-log/", views.auth_log, name="auth_log"),
    path("auth-log.csv", views.auth_log_csv, name="auth_log_csv"),
    path("lockouts/", views.lockouts, name="lockouts"),
    # MFA, re-authentication and sessions (ADR 0021).
    path("mfa/", views.mfa, name="mfa"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("mfa/remove/", views.mfa_remove, name="mfa_remove"),
    path("mfa/keys/add/", views.security_key_add, name="security_key_add"),
    path("login/code/", views.mfa_verify, name="mfa_verify"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("sessions/", views.sessions, name="sessions"),
    path("oidc/login/", oidc.oidc_login, name="oidc_login"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_callback"),
]
