from django.urls import path

from liaison.core.views import home

app_name = "activities"
urlpatterns = [path("", home, name="list")]  # placeholder
