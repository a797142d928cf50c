from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.accounts import views

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
]
