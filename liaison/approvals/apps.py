from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "liaison.approvals"
    label = "approvals"

    def ready(self) -> None:
        # The approval record follows every move of the request workflow, in the same
        # transaction (activities.workflow.TRANSITION_EFFECTS; ADR 0014).
        from liaison.activities.workflow import register_effect
        from liaison.approvals.services import request_moved

        register_effect(request_moved)
