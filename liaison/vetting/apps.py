from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "liaison.vetting"
    label = "vetting"
    verbose_name = "Foreign contacts and vetting"
