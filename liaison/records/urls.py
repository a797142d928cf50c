from django.urls import path

from liaison.records import views

app_name = "records"
urlpatterns = [
    path("audit/", views.events, name="audit_events"),
    path("audit/verification/", views.verification, name="audit_verification"),
    path("audit/events.csv", views.events_file, {"fmt": "csv"}, name="audit_events_csv"),
    path("audit/events.json", views.events_file, {"fmt": "json"}, name="audit_events_json"),
    path("audit/events.xlsx", views.events_file, {"fmt": "xlsx"}, name="audit_events_xlsx"),
]
