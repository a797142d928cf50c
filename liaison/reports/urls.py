"""Pages for evaluation reports (mounted at /reports/; starting one hangs off the
activity: /reports/activities/<id>/new/)."""

from django.urls import path

from liaison.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("all/", views.report_list, name="list"),
    path("all/export/", views.report_export, name="export"),
    path("overdue/", views.overdue, name="overdue"),
    path("search/", views.search, name="search"),
    path("rules/", views.policy_list, name="policy_list"),
    path("rules/<int:agency_id>/", views.policy_edit, name="policy_edit"),
    path("activities/<int:pk>/new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
