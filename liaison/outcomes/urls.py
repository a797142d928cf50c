"""Pages for outcomes, alignment reviews and the policy library (mounted at the site
root: an activity's outcomes live under /activities/<id>/)."""

from django.urls import path

from liaison.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("activities/<int:pk>/outcomes/", views.activity_outcomes_page, name="activity"),
    path(
        "activities/<int:pk>/outcomes/nothing-adopted/",
        views.statement_create,
        name="statement_create",
    ),
    path(
        "outcomes/statements/<int:pk>/withdraw/",
        views.statement_withdraw,
        name="statement_withdraw",
    ),
    path("outcomes/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path(
        "outcomes/recommendations/<int:pk>/decide/",
        views.recommendation_decide_page,
        name="decide",
    ),
    path(
        "outcomes/recommendations/<int:pk>/adoptions/new/",
        views.adoption_create,
        name="adoption_create",
    ),
    path("outcomes/adoptions/", views.adoption_list_page, name="adoption_list"),
    path("outcomes/awaiting-review/", views.awaiting_review, name="awaiting_review"),
    path("outcomes/adoptions/<int:pk>/", views.adoption_page, name="adoption"),
    path("outcomes/adoptions/<int:pk>/follow-ups/", views.follow_up_create, name="follow_up"),
    path("outcomes/adoptions/<int:pk>/close/", views.adoption_close, name="close"),
    path("outcomes/adoptions/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("outcomes/policies/", views.policy_list_page, name="policy_list"),
    path("outcomes/policies/new/", views.policy_create_page, name="policy_create"),
    path("outcomes/policies/<int:pk>/", views.policy_page, name="policy"),
    path("outcomes/policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
]
