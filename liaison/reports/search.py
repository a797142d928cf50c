"""Full-text search over evaluation reports and their recommendations, ranked, with
highlighted snippets — one function for both databases (ADR 0006, ADR 0017).

Each report carries ``search_text`` (the activity's title, every part of the report, its
topics and its recommendations; written by the services). PostgreSQL: a stored generated
``search_vector`` column with a GIN index (migration 0002), matched with
``websearch_to_tsquery``, ranked with ``ts_rank_cd`` and excerpted with ``ts_headline``.
SQLite: an FTS5 table kept in step by triggers, every word quoted (user input is never
FTS syntax), ranked with ``bm25`` and excerpted with ``snippet``. The candidates are then
re-ranked by how much each says about the words (``how_much``), the same on both. The
excerpt comes back with private marker characters around the matches; ``highlight``
escapes everything and only then turns the markers into ``<mark>`` — user text can never
become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from liaison.activities.models import SEARCH_CONFIG
from liaison.activities.search import search_words
from liaison.reports.models import EvaluationReport

FTS_TABLE = "reports_evaluationreport_fts"
START, STOP = "\x02", "\x03"
MAX_RESULTS = 200
# Candidates the database ranks before they are re-ranked (``how_much``).
CANDIDATES = 1000


@dataclass
class Hit:
    report_id: int
    rank: float
    snippet: SafeString


def highlight(raw: str) -> SafeString:
    """Escape ``raw`` then mark what lay between the markers (the only markup made)."""
    text = str(escape(raw.replace("\x00", "")))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 — escaped above; only our <mark> tags remain


def report_hits(queryset: QuerySet[EvaluationReport], query: str) -> list[Hit]:
    """The reports of ``queryset`` (already limited to what the user may see) that match
    ``query``, most relevant first, each with an excerpt around the matches."""
    words = search_words(query)
    if not words:
        return []
    # The visible reports as a subquery: the search never leaves what the user may see.
    visible_sql, visible_params = queryset.order_by().values("pk").query.sql_with_params()
    visible = (visible_sql, list(visible_params))
    if connection.vendor == "postgresql":
        rows = _postgresql(" ".join(words), visible)
    else:
        rows = _sqlite(" ".join(f'"{w}"*' for w in words), visible)
    # Re-rank the database's candidates by how much each report says about the words
    # (ADR 0017): bm25 normalises by length, so a one-line statement that names the
    # words once would outrank a report that discusses them at length. The database's
    # own rank breaks ties, and it alone decides what matches.
    scored = [
        (how_much(text or "", words), float(rank), pk, snippet) for pk, rank, snippet, text in rows
    ]
    scored.sort(key=lambda row: (-row[0], -row[1], row[2]))
    return [Hit(pk, float(score), highlight(snippet or "")) for score, _, pk, snippet in scored][
        :MAX_RESULTS
    ]


def how_much(text: str, words: list[str]) -> int:
    """How often ``words`` occur in ``text`` (each as a prefix, as the search matches),
    with every occurrence of the whole phrase counted twice more."""
    lowered = text.lower()
    count = sum(len(re.findall(r"\b" + re.escape(w.lower()), lowered)) for w in words)
    if len(words) > 1:
        phrase = r"\b" + r"\W+".join(re.escape(w.lower()) for w in words)
        count += 2 * len(re.findall(phrase, lowered))
    return count


Visible = tuple[str, list[Any]]


def _postgresql(text: str, visible: Visible) -> list[tuple[int, float, str, str]]:
    # The column is not in the model (the database generates it), hence raw SQL; names are
    # constants and every value is a bound parameter.
    sql = (
        "WITH q AS (SELECT websearch_to_tsquery(%s::regconfig, %s) AS query) "
        "SELECT r.id, ts_rank_cd(r.search_vector, q.query, 32) AS rank, "
        "ts_headline(%s::regconfig, r.search_text, q.query, %s), r.search_text "
        "FROM reports_evaluationreport r, q "
        f"WHERE r.search_vector @@ q.query AND r.id IN ({visible[0]}) "
        "ORDER BY rank DESC, r.id LIMIT %s"
    )
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
    with connection.cursor() as cursor:
        params = [SEARCH_CONFIG, text, SEARCH_CONFIG, options, *visible[1], CANDIDATES]
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _sqlite(fts_query: str, visible: Visible) -> list[tuple[int, float, str, str]]:
    # bm25 is lower for better matches: order ascending and report its negation.
    sql = (
        f"SELECT rowid, -bm25({FTS_TABLE}), "
        f"snippet({FTS_TABLE}, 0, %s, %s, ' … ', 24), search_text "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({visible[0]}) "
        f"ORDER BY bm25({FTS_TABLE}), rowid LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, fts_query, *visible[1], CANDIDATES])
        return list(cursor.fetchall())
