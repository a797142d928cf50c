"""Indexes for the activity list when no agency leads the query (overseers and
administrators see every agency): page 1 sorted by date or by title is then a walk down
an index that stops after one page, instead of a sort of every row. Measured in
bench/README.md (PostgreSQL, 1M activities: page query ~1.5 s -> <1 ms)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("activities", "0002_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["-start_date", "-id"], name="activity_date"),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["title", "id"], name="activity_title"),
        ),
    ]
