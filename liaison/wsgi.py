"""The WSGI entry point. It refuses to start with DEBUG off and the development key
(``liaison.core.checks.refuse_development_key``, ADR 0020)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()

from liaison.core.checks import refuse_development_key  # noqa: E402  (needs settings)

refuse_development_key()
