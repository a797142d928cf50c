from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "liaison.people"
    label = "people"

    def ready(self) -> None:
        from liaison.core.tabular import register
        from liaison.people.exports import SPECS

        for spec in SPECS:
            register(spec)
