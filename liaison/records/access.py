"""Who may verify the audit trail and read its events (ADR 0023).

Overseers and administrators (``AUDIT_READERS``). Verification reports on the whole chain
(it names tables and row numbers, never content), so any of them may run it. The events
are narrowed like the authentication log: readers of every agency see all of them, those
of some agencies the events of accounts that hold a role there.
"""

from __future__ import annotations

from typing import Any

from liaison.accounts.access import Scope, scope_for
from liaison.accounts.models import Role
from liaison.core.errors import Forbidden

AUDIT_READERS = (Role.OVERSEER, Role.ADMIN)


def require_audit_reader(user: Any) -> Scope:
    """The agencies whose audit events ``user`` may read; ``Forbidden`` for everyone but
    overseers and administrators."""
    scope = scope_for(user, *AUDIT_READERS)
    if scope == frozenset():
        raise Forbidden("Only overseers and administrators may verify and read the audit trail.")
    return scope
