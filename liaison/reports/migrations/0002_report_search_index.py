"""Full-text search over evaluation reports, by database (docs/adr/0006-search.md, 0017).

The same split as the activities' index: PostgreSQL a stored generated ``search_vector``
(``to_tsvector('english', search_text)``) with a GIN index; SQLite an external-content
FTS5 table (porter stemmer) kept in step by triggers. Only ``liaison.reports.search``
reads either.
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE reports_evaluationreport ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS report_search_vector_gin ON reports_evaluationreport "
    "USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS report_search_vector_gin",
    "ALTER TABLE reports_evaluationreport DROP COLUMN IF EXISTS search_vector",
]
T = "reports_evaluationreport"
F = "reports_evaluationreport_fts"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {F} USING fts5("
    f"search_text, content='{T}', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {F}_ai AFTER INSERT ON {T} "
    f"BEGIN INSERT INTO {F}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {F}_ad AFTER DELETE ON {T} "
    f"BEGIN INSERT INTO {F}({F}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {F}_au AFTER UPDATE OF search_text ON {T} "
    f"BEGIN INSERT INTO {F}({F}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {F}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {F}({F}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {F}_ai",
    f"DROP TRIGGER IF EXISTS {F}_ad",
    f"DROP TRIGGER IF EXISTS {F}_au",
    f"DROP TABLE IF EXISTS {F}",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_reports_recommendations")]
    operations = [migrations.RunPython(forward, backward)]
