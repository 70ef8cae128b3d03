"""Indexes for the as-of views (`issues.asof`): each issue's history rows, and each
involvement's (issue and department), in the order they were written, so that "the last row
of every issue written before a moment" is an index walk per issue (the correlated subquery
on SQLite, DISTINCT ON on PostgreSQL), not a sort of the whole history.

Plain SQL that both databases speak, hand-written because the history model's indexes are
simple-history's to declare (regenerating 0001 never loses these).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("issues", "0002_pg_trgm")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX issues_historicalissue_id_written ON issues_historicalissue "
            "(id, history_id)",
            "DROP INDEX issues_historicalissue_id_written",
        ),
        migrations.RunSQL(
            "CREATE INDEX issues_historicalissuedepartment_written "
            "ON issues_historicalissuedepartment (issue_id, department_id, history_id)",
            "DROP INDEX issues_historicalissuedepartment_written",
        ),
    ]
