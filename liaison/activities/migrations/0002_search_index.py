"""The full-text search index, which differs by database (docs/adr/0006-search.md).

PostgreSQL: a GIN expression index matching exactly the expression that
``liaison.activities.search`` queries. SQLite: an external-content FTS5 table over
``search_text`` kept in step by triggers, so no application code can forget to update it.
"""

from django.db import migrations

PG_CREATE = (
    "CREATE INDEX IF NOT EXISTS activity_search_gin ON activities_activity "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
)
PG_DROP = "DROP INDEX IF EXISTS activity_search_gin"

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS activities_activity_fts USING fts5("
    "search_text, content='activities_activity', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS activities_activity_fts_ai AFTER INSERT ON activities_activity "
    "BEGIN INSERT INTO activities_activity_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS activities_activity_fts_ad AFTER DELETE ON activities_activity "
    "BEGIN INSERT INTO activities_activity_fts(activities_activity_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS activities_activity_fts_au "
    "AFTER UPDATE OF search_text ON activities_activity "
    "BEGIN INSERT INTO activities_activity_fts(activities_activity_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO activities_activity_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "INSERT INTO activities_activity_fts(activities_activity_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS activities_activity_fts_ai",
    "DROP TRIGGER IF EXISTS activities_activity_fts_ad",
    "DROP TRIGGER IF EXISTS activities_activity_fts_au",
    "DROP TABLE IF EXISTS activities_activity_fts",
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
