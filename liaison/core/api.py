"""Project-wide API endpoints: the data dictionary (issue 9)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from liaison.core.dictionary import data_dictionary
from liaison.core.schemas import errors

router = Router(tags=["data dictionary"])


class AllowedValueOut(Schema):
    value: str
    label: str


class ColumnOut(Schema):
    header: str
    type: str
    meaning: str
    allowed: list[AllowedValueOut]


class ExportOut(Schema):
    name: str
    title: str
    description: str
    columns: list[ColumnOut]


@router.get(
    "/data-dictionary",
    response={200: list[ExportOut], **errors()},
    operation_id="data_dictionary",
    url_name="data_dictionary",
    summary="Every export's columns: header, type, meaning, allowed values",
)
def get_data_dictionary(request: HttpRequest) -> list[dict[str, Any]]:
    return data_dictionary()
