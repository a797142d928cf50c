"""Email notices of the request workflow, sent through ``django.tasks`` (ADR 0014).

The services enqueue ``send_notice`` with ``transaction.on_commit``: a notice goes out
only for a move that was saved. The backend is settings.TASKS (django_tasks_db in
deployments: ``manage.py db_worker`` runs them; the immediate backend in tests) and the
mail goes through settings.EMAIL_BACKEND (the console by default).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task
def send_notice(*, to: list[str], subject: str, body: str) -> int:
    """Send one notice to ``to`` (addresses); returns how many messages went out."""
    if not to:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
