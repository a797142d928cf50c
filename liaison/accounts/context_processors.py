from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Expose the site name and the signed-in user's capabilities to every template."""
    from liaison.accounts.access import capabilities_for

    return {"SITE_NAME": settings.SITE_NAME, "caps": capabilities_for(request.user)}
