from django.urls import path

from liaison.oversight import views

app_name = "oversight"
urlpatterns = [path("", views.summary, name="summary")]
