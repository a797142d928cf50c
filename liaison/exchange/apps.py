from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Activities in and out as files: the exchange format, exports and legacy imports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "liaison.exchange"
    verbose_name = "Import and export"

    def ready(self) -> None:
        from liaison.core.tabular import register
        from liaison.exchange.spec import ACTIVITIES

        register(ACTIVITIES)
