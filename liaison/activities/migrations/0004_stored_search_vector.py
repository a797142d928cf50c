"""PostgreSQL: search a stored tsvector column instead of an expression index.

With the GIN index on the *expression* ``to_tsvector('english', search_text)``, every row
that a lossy bitmap or a capped count has to re-check recomputes ``to_tsvector`` (~57 µs a
row): a common word over 1M activities took 5–14 s (bench/README.md). A stored generated
column makes each check a read (13 ms). The column is not in the Django model: the
database fills it, and only ``liaison.activities.search`` reads it. SQLite keeps FTS5.
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE activities_activity ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS activity_search_vector_gin ON activities_activity "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS activity_search_gin",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS activity_search_gin ON activities_activity "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))",
    "DROP INDEX IF EXISTS activity_search_vector_gin",
    "ALTER TABLE activities_activity DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_list_sort_indexes")]
    operations = [migrations.RunPython(forward, backward)]
