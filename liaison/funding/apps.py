from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "liaison.funding"
    label = "funding"
    verbose_name = "Funding and disclosure"

    def ready(self) -> None:
        from liaison.core.tabular import register
        from liaison.funding.exports import CONTRIBUTIONS

        register(CONTRIBUTIONS)
