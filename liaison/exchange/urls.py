from django.urls import path

from liaison.exchange import views

app_name = "exchange"
urlpatterns = [
    path("activities.csv", views.export_csv, name="activities_csv"),
    path("activities.xlsx", views.export_xlsx, name="activities_xlsx"),
    path("activities.json", views.export_json, name="activities_json"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/template.csv", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/import/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/matches/", views.import_matches, name="import_matches"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/problems.csv", views.import_errors, name="import_errors"),
]
