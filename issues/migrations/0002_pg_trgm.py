"""PostgreSQL's pg_trgm, for similar-title lookups and text search by index (DESIGN
"Deployment", scale). Hand-written so that regenerating 0001 never loses it; a no-op on
SQLite (Django's CreateExtension skips other databases)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]

    operations = [TrigramExtension()]
