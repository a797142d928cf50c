from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "liaison.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and policy alignment"
