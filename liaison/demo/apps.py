from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo department: the top layer, above every domain app (see README.md)."""

    name = "liaison.demo"
    label = "demo"
