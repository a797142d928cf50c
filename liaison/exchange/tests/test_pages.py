"""The import pages and API: upload → check → confirm, the progress fragment htmx polls,
cancel, the problems as CSV, and who may see a batch."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity
from liaison.exchange import progress
from liaison.exchange.models import BatchStatus, ImportBatch
from liaison.exchange.services import import_batch_create
from liaison.exchange.tests.helpers import GOOD, csv_bytes, department, row

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(content: bytes, name: str = "legacy.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_check_and_confirm_on_the_page() -> None:
    dept = department()
    client = _client(dept.clerk)
    response = client.post("/exchange/imports/", {"file": _upload(csv_bytes([GOOD]))})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/exchange/imports/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Checked: ready to import" in page and "Would be created" in page
    assert Activity.objects.count() == 0
    client.post(f"/exchange/imports/{batch.pk}/import/")
    batch.refresh_from_db()
    assert (batch.status, batch.created) == (BatchStatus.IMPORTED, 1)
    assert Activity.objects.count() == 1


def test_a_file_with_problems_shows_them_and_offers_them_as_csv() -> None:
    dept = department()
    client = _client(dept.clerk)
    content = csv_bytes([GOOD, row(source_id="T-2", kind="picnic")])
    response = client.post("/exchange/imports/", {"file": _upload(content)})
    page = client.get(response["Location"]).content.decode()
    assert "Nothing has been saved: 1 problem to fix" in page
    assert "picnic" in page
    batch = ImportBatch.objects.get()
    download = client.get(f"/exchange/imports/{batch.pk}/problems.csv")
    # The one file writer every export uses (core.downloads): its headers, streamed.
    assert download["Cache-Control"] == "private, no-store"
    assert f'filename="import-{batch.pk}-problems-' in download["Content-Disposition"]
    problems = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert problems.splitlines()[0] == "row,column,value,problem"
    assert problems.splitlines()[1].startswith("3,kind,picnic,")
    # A refused file cannot be imported.
    client.post(f"/exchange/imports/{batch.pk}/import/")
    assert Activity.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form() -> None:
    dept = department()
    response = _client(dept.clerk).post(
        "/exchange/imports/", {"file": _upload(b"hello", name="notes.txt")}
    )
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_progress_fragment_shows_a_running_import_and_ends_with_a_refresh() -> None:
    dept = department()
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="big.csv", content=csv_bytes([GOOD] * 3)
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.IMPORTING)
    progress.report(batch.token, phase="importing", done=2, total=3)
    client = _client(dept.clerk)
    fragment = client.get(f"/exchange/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'max="3" value="2"' in html and "2 of 3 rows done" in html
    assert 'hx-trigger="every 1s"' in html
    assert "HX-Refresh" not in fragment
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.CANCELLED)
    fragment = client.get(f"/exchange/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    progress.forget(batch.token)


def test_a_large_file_goes_to_the_task_worker(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_BACKGROUND_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    dept = department()
    client = _client(dept.clerk)
    content = csv_bytes([GOOD, row(source_id="T-2")])
    from django.tasks import task_backends

    task_backends["default"].clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exchange/imports/", {"file": _upload(content)})
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.CHECKING
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "Cancel this import" in page
    results = task_backends["default"].results  # type: ignore[attr-defined]
    assert [r.task.name for r in results] == ["check_import"]
    assert results[0].args == [] and results[0].kwargs["batch_id"] == batch.pk
    client.post(f"/exchange/imports/{batch.pk}/cancel/")
    assert progress.cancel_requested(batch.token)
    progress.forget(batch.token)


def test_another_agency_and_non_coordinators_never_reach_a_batch() -> None:
    dept = department()
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="a.csv", content=csv_bytes([GOOD])
    )
    outsider = department("County Sheriff", "CA0190000", login="outsider").clerk
    overseer = user_with_role("overseer", dept.agency, "inspector")
    for user in (outsider, overseer):
        client = _client(user)
        assert client.get(f"/exchange/imports/{batch.pk}/").status_code == 404
        assert client.get(f"/api/v1/imports/{batch.pk}").status_code == 404
        assert client.post(f"/exchange/imports/{batch.pk}/import/").status_code == 404
        assert client.post(f"/api/v1/imports/{batch.pk}/cancel").status_code == 404
    assert _client(overseer).get("/exchange/imports/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED


def test_the_api_uploads_checks_imports_and_reports() -> None:
    dept = department()
    client = _client(dept.clerk)
    created = client.post("/api/v1/imports", {"file": _upload(csv_bytes([GOOD]))})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["created"], body["plan"][0]["action"]) == (
        "checked", 1, "create")  # fmt: skip
    assert body["sha256"] == ImportBatch.objects.get().sha256
    done = client.post(f"/api/v1/imports/{body['id']}/import").json()
    assert (done["status"], done["created"]) == ("imported", 1)
    again = client.post(f"/api/v1/imports/{body['id']}/import")
    assert again.status_code == 422
    assert Activity.objects.count() == 1
    bad = client.post(
        "/api/v1/imports", {"file": _upload(csv_bytes([row(start_date="someday")]))}
    ).json()
    assert bad["status"] == "refused"
    assert bad["problems"] == [
        {"row": 2, "column": "start_date", "value": "someday",
         "message": "Not a date: give it as YYYY-MM-DD."}]  # fmt: skip
