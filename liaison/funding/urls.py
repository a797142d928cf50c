"""Pages for funding (mounted at the site root: an activity's funding page lives under
/activities/<id>/funding/, everything else under /funding/)."""

from django.urls import path

from liaison.funding import views

app_name = "funding"
urlpatterns = [
    path("activities/<int:pk>/funding/", views.activity_funding_page, name="activity"),
    path(
        "activities/<int:pk>/funding/contributions/new/",
        views.contribution_create_page,
        name="contribution_create",
    ),
    path(
        "funding/contributions/<int:pk>/correct/",
        views.contribution_correct_page,
        name="contribution_correct",
    ),
    path(
        "activities/<int:pk>/funding/screenings/new/",
        views.screening_create_page,
        name="screening_create",
    ),
    path(
        "activities/<int:pk>/funding/selections/new/",
        views.selection_create_page,
        name="selection_create",
    ),
    path(
        "activities/<int:pk>/funding/override/", views.override_create_page, name="override_create"
    ),
    path("funding/", views.overview, name="overview"),
    path("funding/contributions/", views.contribution_list_page, name="contribution_list"),
    path("funding/contributions/export/", views.contribution_export, name="contribution_export"),
    path("funding/funders/", views.funder_list, name="funder_list"),
    path("funding/funders/new/", views.funder_create_page, name="funder_create"),
    path("funding/funders/<int:pk>/", views.funder_detail, name="funder_detail"),
    path(
        "funding/contributions/<int:pk>/form-801/new/",
        views.form801_create_page,
        name="form801_create",
    ),
    path("funding/forms-801/<int:pk>/", views.form801_page, name="form801"),
    path("funding/forms-801/<int:pk>/pdf/", views.form801_pdf_page, name="form801_pdf"),
    path("funding/1353/file/", views.report1353_file, name="report1353_file"),
    path(
        "funding/1353/<str:period_start>/xlsx/", views.report1353_download, name="report1353_xlsx"
    ),
]
