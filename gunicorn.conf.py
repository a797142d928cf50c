"""gunicorn's settings for Liaison: read from the working directory when gunicorn starts
there (``gunicorn liaison.wsgi …``; README, "Running in production").

Command-line options still apply (workers, bind, timeout). The one thing set here: each
new worker imports the URLconf, builds the URL tables and compiles the busiest page's
templates before it takes a request (``liaison/core/warmup.py``), so a restarted or
replaced worker does not answer its first requests seconds late.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from liaison.core.warmup import warm

    warm()
