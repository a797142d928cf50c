"""The URLconf. Every route here is classified in ``tests/test_url_walk.py``: either it
requires a signed-in user or it is on the public allow-list."""

from django.contrib import admin
from django.urls import include, path

from liaison.api import api
from liaison.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("data-dictionary/", core_views.data_dictionary_page, name="data_dictionary"),
    path("accounts/", include("liaison.accounts.urls")),
    path("activities/", include("liaison.activities.urls")),
    path("people/", include("liaison.people.urls")),
    path("approvals/", include("liaison.approvals.urls")),
    path("oversight/", include("liaison.oversight.urls")),
    path("retention/", include("liaison.retention.urls")),
    path("security/", include("liaison.security.urls")),
    path("", include("liaison.vetting.urls")),
    path("reports/", include("liaison.reports.urls")),
    path("records/", include("liaison.records.urls")),
    path("", include("liaison.funding.urls")),
    path("", include("liaison.outcomes.urls")),
    path("exchange/", include("liaison.exchange.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "liaison.core.views.not_found"
handler403 = "liaison.core.views.forbidden"
