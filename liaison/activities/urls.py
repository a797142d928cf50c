from django.urls import path

from liaison.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/pdf/", views.activity_pdf, name="pdf"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/history/", views.activity_history, name="history"),
    path("<int:pk>/transition/", views.activity_transition, name="transition"),
    path(
        "<int:pk>/transition/<slug:name>/",
        views.activity_transition_confirm,
        name="transition_confirm",
    ),
    path(
        "<int:pk>/participants/<int:participation_id>/withdraw/",
        views.participation_withdraw,
        name="participation_withdraw",
    ),
    path("participant-lookup/", views.participant_lookup, name="participant_lookup"),
]
