from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "liaison.reports"
    label = "reports"
    verbose_name = "Evaluation reports"

    def ready(self) -> None:
        from liaison.core.tabular import register
        from liaison.reports.exports import REPORTS

        register(REPORTS)
