"""Property-based check that the API answers what its OpenAPI document says.

schemathesis takes the app's own OpenAPI document (the one served at
/api/v1/openapi.json) and, for every operation, sends generated requests, valid and
invalid, to the app in-process (WSGI, no server) as a coordinator with a bearer token.
The run fails on any 5xx; on any answer the document does not describe (an undocumented
status code, another content type, a body that does not match the schema); and on any
request that breaks the document yet is accepted with a 2xx. Hypothesis is derandomised
(the same examples every run) and bounded (``SCHEMATHESIS_MAX_EXAMPLES`` per operation,
default 25: about a minute on two cores), and ``make schemathesis`` runs it alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from liaison.accounts.models import Agency, User
from liaison.accounts.services import api_token_create
from liaison.activities.tests.factories import ActivityFactory, CategoryFactory, LocationFactory
from liaison.api import api
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.vetting.tests.factories import ContactFactory, TraineeFactory, VettingFactory

# Django's own WSGI handler, not liaison.wsgi: that module refuses to start with the
# development key, which the test settings use.
application = get_wsgi_application()

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def in_process_app(db: None) -> Iterator[None]:
    # As Django's test client does: a request must not close the connection that holds
    # the test's transaction (the WSGI handler would, at the end of every request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # The handler was built at import, before the test settings turned the HTTPS redirect
    # off (conftest.plain_http); SecurityMiddleware reads it when built, so build again.
    application.load_middleware()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(clerk: User, agency: Agency) -> str:
    """A coordinator's bearer token, and a few records for ids to find."""
    category = CategoryFactory.create(slug="human-trafficking")
    activity = ActivityFactory.create(agency=agency, category=category)
    LocationFactory.create(activity=activity, country="CA")
    EmployeeFactory.create(agency=agency)
    OrganisationFactory.create()
    _, raw = api_token_create(actor=clerk, user=clerk, name="schemathesis", scope="write")
    return raw


def _document() -> dict[str, Any]:
    # The document the app serves, as JSON (built without a request: no database needed
    # at collection time). Calls go to the app in-process.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), default=str))


schema = schemathesis.openapi.from_dict(_document())
schema.app = application


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_what_its_document_says(
    case: Any, token: str, in_process_app: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# The restricted endpoints answer a coordinator 404 before reading anything (ADR 0016):
# fuzz them again as a security officer, with records for the ids to find.
vetting_schema = schema.include(tag="vetting")


@pytest.fixture
def security_token(security_officer: User, agency: Agency) -> str:
    activity = ActivityFactory.create(agency=agency, direction="inbound")
    contact = ContactFactory.create(activity=activity)
    TraineeFactory.create(activity=activity)
    VettingFactory.create(contact=contact)
    ExternalPersonFactory.create(agency=agency)
    _, raw = api_token_create(
        actor=security_officer, user=security_officer, name="fuzz", scope="write"
    )
    return raw


@vetting_schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_vetting_api_answers_what_its_document_says_to_a_security_officer(
    case: Any, security_token: str, in_process_app: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {security_token}"}, checks=CHECKS)
