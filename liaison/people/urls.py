"""Pages for employees, external persons and organisations (names are a contract: other
apps' templates and tests reverse them)."""

from django.urls import path

from liaison.people import views

app_name = "people"
urlpatterns = [
    path("employees/", views.employee_list_page, name="employee_list"),
    path("employees/export/", views.employee_export, name="employee_export"),
    path("employees/new/", views.employee_create_page, name="employee_create"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/pdf/", views.employee_pdf, name="employee_pdf"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("external/", views.external_list, name="external_list"),
    path("external/export/", views.external_export, name="external_export"),
    path("external/new/", views.external_create, name="external_create"),
    path("external/<int:pk>/", views.external_detail, name="external_detail"),
    path("external/<int:pk>/pdf/", views.external_pdf, name="external_pdf"),
    path("external/<int:pk>/edit/", views.external_edit, name="external_edit"),
    path("organisations/", views.organisation_list_page, name="organisation_list"),
    path("organisations/export/", views.organisation_export, name="organisation_export"),
    path("organisations/new/", views.organisation_create_page, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/pdf/", views.organisation_pdf, name="organisation_pdf"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
