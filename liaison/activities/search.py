"""Full-text search over activities, one function for both databases.

PostgreSQL: a GIN index on ``to_tsvector('english', search_text)`` and a
``websearch_to_tsquery`` query (stemmed; "drug labs" finds "clandestine drug laboratories"
only as far as the English stemmer goes). SQLite: an FTS5 table kept in step by triggers,
queried with every word as a prefix. Both are created by migration 0002; see
docs/adr/0006-search.md for why not ``icontains``.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from liaison.activities.models import SEARCH_CONFIG, Activity

FTS_TABLE = "activities_activity_fts"
_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(query: str) -> list[str]:
    return _WORD.findall(query)[:20]


def activity_search(queryset: QuerySet[Activity], query: str) -> QuerySet[Activity]:
    """Keep the activities of ``queryset`` whose title, topics or purpose match ``query``."""
    words = search_words(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("search_text", config=SEARCH_CONFIG)
        return queryset.annotate(_search=vector).filter(
            _search=SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch"))
    # FTS5: quote every word (so user input is never FTS syntax) and match prefixes.
    fts_query = " ".join(f'"{w}"*' for w in words)
    # The table name is a constant and the query is a bound parameter.
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    return queryset.filter(pk__in=RawSQL(sql, (fts_query,)))  # noqa: S611
