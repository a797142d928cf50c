"""``python manage.py data_dictionary``: the data dictionary as Markdown, on stdout (the
text of docs/data-dictionary.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.core.dictionary import data_dictionary_markdown


class Command(BaseCommand):
    help = "Print the data dictionary of every export as Markdown (docs/data-dictionary.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(data_dictionary_markdown(), ending="")
