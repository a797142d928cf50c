from django.urls import path

from liaison.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("schedules/<int:agency_id>/", views.schedule_edit, name="schedule_edit"),
    path("holds/", views.hold_list_page, name="holds"),
    path("holds/new/", views.hold_create, name="hold_create"),
    path("holds/<int:pk>/", views.hold_page, name="hold"),
    path("holds/<int:pk>/release/", views.hold_release_page, name="hold_release"),
    path("tombstones/", views.tombstone_list_page, name="tombstones"),
    path("tombstones/<int:pk>/", views.tombstone_page, name="tombstone"),
]
