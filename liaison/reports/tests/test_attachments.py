"""Attachments: size and type limits refuse with nothing saved; the checksum is stored;
downloads are attachments with nosniff, only for those who may see the report."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from liaison.accounts.models import User
from liaison.people.models import Employee
from liaison.reports.models import ReportAttachment
from liaison.reports.services import attachment_add, attachment_remove
from liaison.reports.tests.helpers import started_report

PDF = b"%PDF-1.4\n% a handout\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1024
    settings.REPORT_ATTACHMENT_TYPES = ["pdf", "png"]
    return tmp_path


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_it_keeps_the_checksum_and_stores_under_its_own_name(
    media: Path, employee_user: User, employee_record: Employee
) -> None:
    report = started_report(employee_user, employee_record)
    upload = SimpleUploadedFile("../../etc/Handout 1.pdf", PDF, content_type="text/html")
    attachment = attachment_add(actor=employee_user, report=report, upload=upload)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.filename == "Handout 1.pdf"
    # The type is ours (from the extension), not what the browser claimed.
    assert attachment.content_type == "application/pdf"
    assert [p.name for p in _stored(media)] == [attachment.sha256]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"x" * 1025, "the limit is 1,024 bytes"),
        ("page.html", b"<script>alert(1)</script>", "is not an accepted type"),
        ("run.pdf.exe", b"MZ", "is not an accepted type"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_it_refuses_a_file_over_the_limit_or_of_a_forbidden_type_and_saves_nothing(
    media: Path, employee_user: User, employee_record: Employee,
    name: str, content: bytes, message: str,
) -> None:  # fmt: skip
    report = started_report(employee_user, employee_record)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as refused:
        attachment_add(actor=employee_user, report=report, upload=upload)
    assert message in refused.value.message_dict["file"][0]
    assert not ReportAttachment.objects.exists()
    assert _stored(media) == []


def test_the_api_refuses_too_and_saves_nothing(
    media: Path, employee_user: User, employee_record: Employee
) -> None:
    report = started_report(employee_user, employee_record)
    response = client_for(employee_user).post(
        f"/api/v1/reports/{report.pk}/attachments",
        {"file": SimpleUploadedFile("big.pdf", b"x" * 2000)},
    )
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert not ReportAttachment.objects.exists()
    assert _stored(media) == []


def test_a_download_is_an_attachment_with_nosniff_and_only_for_readers(
    employee_user: User, employee_record: Employee, commander: User, outsider: User
) -> None:
    report = started_report(employee_user, employee_record)
    attachment = attachment_add(
        actor=employee_user, report=report, upload=SimpleUploadedFile("h.pdf", PDF)
    )
    for url in (
        f"/reports/attachments/{attachment.pk}/",
        f"/api/v1/reports/attachments/{attachment.pk}",
    ):
        response = client_for(commander).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert client_for(outsider).get(url).status_code == 404


def test_removing_an_attachment_deletes_the_row_and_keeps_its_history(
    employee_user: User, employee_record: Employee
) -> None:
    report = started_report(employee_user, employee_record)
    attachment = attachment_add(
        actor=employee_user, report=report, upload=SimpleUploadedFile("h.pdf", PDF)
    )
    pk = attachment.pk
    attachment_remove(actor=employee_user, attachment=attachment)
    assert not ReportAttachment.objects.filter(pk=pk).exists()
    assert ReportAttachment.history.filter(id=pk, history_type="-").get().history_user == (
        employee_user
    )
