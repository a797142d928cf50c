from django.urls import path

from liaison.approvals import views

app_name = "approvals"
urlpatterns = [
    path("waiting/", views.waiting, name="waiting"),
    path("activities/<int:pk>/decide/", views.decide, name="decide"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:agency_id>/", views.policy_edit, name="policy_edit"),
]
