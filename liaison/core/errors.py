"""Domain errors shared by every app.

Services raise these; the page layer turns them into messages and status codes, the API
layer into JSON (see ``liaison/api.py``). Both doors answer the same error the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """Base class for errors a user can understand and act on."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist *or* the user may not see it: we never say which."""

    status_code = 404


class Forbidden(DomainError):
    """The user may see the object but may not perform this action on it."""

    status_code = 403


class InvalidTransition(DomainError):
    """A status change that the declared transition table does not allow."""

    status_code = 409


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    """Flatten a ValidationError into ``{field: [messages]}`` ("__all__" for non-field)."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(msgs).messages]
            for field, msgs in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


@contextlib.contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the names a caller's input uses (the API's
    ``type`` for the model's ``org_type``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(key, key): texts for key, texts in exc.message_dict.items()}
        ) from None
