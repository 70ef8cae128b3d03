"""Text search by index on PostgreSQL (issue 14; `issues.search` reads it). A no-op on SQLite.

Chinese has no spaces and most search words are two characters (招聘, 补贴): a pg_trgm index
cannot answer a two-character LIKE (the pattern holds no whole trigram), so each issue keeps
its characters and character pairs (the CJK bigram indexing of Lucene's CJKAnalyzer) as the
lexemes of a `search_grams tsvector`, upper-cased as Django's `icontains` compares, under a GIN
index. A trigger keeps the column in step with every INSERT and UPDATE (saves, `bulk_create`,
`update()`, a restore), so no Python path can forget it. The column is not a model field: only
this migration and `issues.search` know of it, and SQLite never has it.

`issues_search_grams(text)`: the characters and pairs of `upper(text)` as lexemes taken as they
are (`array_to_tsvector`: no parser, no stemming; the pairs from two non-overlapping
`regexp_matches` passes, ten times faster than a generate_series loop). `issues_query_grams(word)`:
what a search word must find - all its pairs (its character when it has one) - as a tsquery
built and quoted in SQL, so that both sides upper-case alike. An issue containing the word has
all the word's lexemes: the index gives a superset, and `icontains` beside it keeps the result
exact.
"""

from django.db import migrations

# The pairs of s: two passes of non-overlapping pairs, from its first and its second character.
PAIRS = (
    "ARRAY(SELECT m[1] FROM regexp_matches(s, '..', 'g') AS m)"
    " || ARRAY(SELECT m[1] FROM regexp_matches(substr(s, 2), '..', 'g') AS m)"
)

# A lexeme quoted for a tsquery: in single quotes, a quote doubled, a backslash escaped.
QUOTED = r"'''' || replace(replace(g, '\', '\\'), '''', '''''') || ''''"

CREATE = f"""
CREATE OR REPLACE FUNCTION issues_search_grams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(string_to_array(s, NULL) || {PAIRS})
    FROM (SELECT upper(coalesce(t, '')) AS s) AS x
$$;

CREATE OR REPLACE FUNCTION issues_query_grams(t text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_string(
        ARRAY(
            SELECT DISTINCT {QUOTED} FROM unnest(
                CASE WHEN char_length(s) < 2 THEN ARRAY[s] ELSE {PAIRS} END
            ) AS g
        ),
        ' & '
    )::tsquery
    FROM (SELECT upper(t) AS s) AS x
$$;

CREATE OR REPLACE FUNCTION issues_issue_set_search_grams() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_grams := issues_search_grams(
        concat_ws(' ', NEW.number, NEW.title, NEW.description, NEW.company)
    );
    RETURN NEW;
END
$$;

ALTER TABLE issues_issue ADD COLUMN search_grams tsvector NOT NULL DEFAULT '';
UPDATE issues_issue
    SET search_grams = issues_search_grams(concat_ws(' ', number, title, description, company));
CREATE TRIGGER issues_issue_search_grams
    BEFORE INSERT OR UPDATE OF number, title, description, company ON issues_issue
    FOR EACH ROW EXECUTE FUNCTION issues_issue_set_search_grams();
CREATE INDEX issue_search_grams_idx ON issues_issue USING gin (search_grams);
"""

DROP = """
DROP INDEX IF EXISTS issue_search_grams_idx;
DROP TRIGGER IF EXISTS issues_issue_search_grams ON issues_issue;
ALTER TABLE issues_issue DROP COLUMN IF EXISTS search_grams;
DROP FUNCTION IF EXISTS issues_issue_set_search_grams();
DROP FUNCTION IF EXISTS issues_query_grams(text);
DROP FUNCTION IF EXISTS issues_search_grams(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("issues", "0003_asof_history_index")]

    operations = [migrations.RunPython(forwards, backwards)]
