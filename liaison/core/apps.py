from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"

    def ready(self) -> None:
        from liaison.core import checks  # noqa: F401  (registers the deploy checks)
