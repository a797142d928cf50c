from django.urls import path

from liaison.core.views import home

app_name = "oversight"
urlpatterns = [path("", home, name="summary")]  # placeholder
