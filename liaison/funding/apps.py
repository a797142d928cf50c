from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "liaison.funding"
    label = "funding"
    verbose_name = "Funding and disclosure"
