from django.urls import path

from liaison.core.views import home

app_name = "people"
urlpatterns = [path("employees/", home, name="employee_list"),
               path("organisations/", home, name="organisation_list")]  # placeholder
