"""Locations carry their activity's start date, so that "country X in year Y" reads only
that year's locations of X (docs/adr/0011-oversight-summary-speed.md).

Named 0007 and depending on 0005: another change may add 0006; whoever merges both makes
this one depend on it. The activity table is not altered (no SQLite rebuild, so the FTS5
triggers stay); the location history table does not get the column (it is excluded from
history: a derived copy, not a fact).
"""

from django.db import migrations, models

BACKFILL = """
UPDATE activities_location SET start_date = (
    SELECT a.start_date FROM activities_activity a WHERE a.id = activities_location.activity_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_foundation_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="start_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="location",
            name="start_date",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="location",
            index=models.Index(
                fields=["country", "start_date", "activity"], name="location_country_start"
            ),
        ),
    ]
