"""What a fresh worker would otherwise do during its first requests, done before it takes
any: gunicorn calls ``warm()`` from ``post_worker_init`` (``gunicorn.conf.py``).

A new worker's first request imported the URLconf (every view module and the API's
schemas, ~1–6 s on a loaded 2-core machine), built the URL resolvers' reverse tables and
compiled the templates of the page it served; with four clients on two fresh workers the
first seconds of a run showed a p95 of 0.6 s (bench/README.md). ``warm()`` does exactly
those three things and nothing else: it serves no request, signs no one in, reads and
writes no data and fills none of the per-request memos (those depend on users and data
and are built by the requests themselves). It changes no answer: a worker that skipped it
would do the same work on its first request.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

# The busiest page's templates and the frame every page extends.
TEMPLATES = (
    "base.html",
    "activities/list.html",
    "activities/_results.html",
    "activities/_filter_form.html",
    "includes/pagination.html",
)


def warm() -> float:
    """Import the URLconf, build the reverse tables, compile ``TEMPLATES``; the seconds
    it took."""
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse

    started = time.monotonic()
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf: every view and the API)
    reverse("activities:list")  # populates the reverse tables for the active language
    for name in TEMPLATES:
        get_template(name)
    took = time.monotonic() - started
    logger.info("worker warmed in %.2f s (URLconf, URL tables, %d templates)", took, len(TEMPLATES))
    return took
