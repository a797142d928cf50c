from django.urls import path

from liaison.security import views

app_name = "security"
urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("countries/import/", views.country_import, name="country_import"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("countries/<str:code>/advisories/new/", views.advisory_add, name="advisory_add"),
    path("locations/<int:pk>/assess/", views.assessment_record, name="assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/briefings/", views.briefing_add, name="briefing_add"),
]
