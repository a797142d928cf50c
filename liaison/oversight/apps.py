from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "liaison.oversight"
    label = "oversight"
