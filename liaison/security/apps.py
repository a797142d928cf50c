from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "liaison.security"
    label = "security"

    def ready(self) -> None:
        # The one place the activities app learns that an itinerary change must reopen
        # risk assessments: activities may not import security (import-linter), so it
        # calls what is registered here (docs/adr/0015-country-risk-and-risk-assessments.md).
        from liaison.activities.hooks import register_itinerary_hook
        from liaison.security.services import risk_assessments_reopen_for_itinerary

        register_itinerary_hook(risk_assessments_reopen_for_itinerary)
