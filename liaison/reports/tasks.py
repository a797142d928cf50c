"""Email about evaluation reports, sent through ``django.tasks`` (ADR 0017, as ADR 0014):
notices of a review step and the daily reminders and escalations of ``send_reminders``.
Services enqueue with ``transaction.on_commit``, so mail goes out only for what was saved.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task
def send_report_mail(*, to: list[str], subject: str, body: str) -> int:
    """Send one message to ``to`` (addresses); returns how many messages went out."""
    if not to:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
