"""Pages for foreign contacts, inbound trainees and vetting (mounted at the site root:
the activity's own section lives under /activities/<id>/)."""

from django.urls import path

from liaison.vetting import views

app_name = "vetting"
urlpatterns = [
    path("activities/<int:pk>/contacts/", views.activity_contacts, name="activity_contacts"),
    path("activities/<int:pk>/contacts/new/", views.contact_create_page, name="contact_create"),
    path("activities/<int:pk>/trainees/new/", views.trainee_create_page, name="trainee_create"),
    path("vetting/", views.queue, name="queue"),
    path("vetting/contacts/", views.contact_list_page, name="contact_list"),
    path("vetting/contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("vetting/contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path(
        "vetting/contacts/<int:pk>/requests/new/",
        views.contact_vetting_create,
        name="contact_vetting_create",
    ),
    path("vetting/trainees/<int:pk>/", views.trainee_detail, name="trainee_detail"),
    path(
        "vetting/trainees/<int:pk>/requests/new/",
        views.trainee_vetting_create,
        name="trainee_vetting_create",
    ),
    path("vetting/requests/<int:pk>/", views.vetting_detail, name="vetting_detail"),
    path("vetting/requests/<int:pk>/transition/", views.vetting_transition, name="transition"),
    path("vetting/reads/", views.reads, name="reads"),
]
