"""Text search of issues: the `q=` of the list, the API and the ledger (one rule in one place).

An issue matches when every whitespace-separated word of the query occurs, case-insensitively,
in its number, title, description or company (Django's `icontains`). That is the rule on every
database; on PostgreSQL each word is first looked up by index, so a search costs what its
matches cost rather than a scan of every issue:

- the GIN index of `search_grams` (migration 0003_scale_indexes): an issue's characters and
  character pairs as tsvector lexemes; a word's pairs (its character, for one-character
  words) must all be there; for longer words that is a superset, checked against the text
  (`_Contains`), so the result is exactly the old one (tests/issues_api/test_query_plans.py
  compares them). Measured against pg_trgm at 100k issues (README "Scale"): a
  trigram index cannot serve a two-character Chinese word (the pattern holds no whole trigram,
  PostgreSQL reads the whole index), the pairs serve one to four characters alike.
- SQLite (the embedded default, a city's few thousand issues a year): `icontains` alone.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet


class _Contains(Func):
    """The rule for one word on PostgreSQL, read off the `search_grams` GIN index.

    `search_grams @@ issues_query_grams(word)`: for a word of one or two characters that is the
    rule itself (the issue has that character or pair: it contains the word); for a longer
    word it is a superset (all its pairs somewhere), so the text is checked too, with one
    `strpos` over the four fields joined by a space (the word has none, so it cannot match
    across two fields): what the four `icontains` say, at a quarter of the upper-casing, and
    an expression the planner does not estimate as near-empty the way it does four ORed
    LIKEs (which sent it to a bitmap of every match and a sort instead of the newest-first
    index). The column is not a model field (SQLite has none), so it is named next to the
    primary key the compiler gives: the same alias in a plain query as in a subquery (U0).
    """

    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__(F("pk"))
        self.word = word

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        pk_sql, _params = compiler.compile(self.source_expressions[0])
        t = pk_sql.rsplit(".", 1)[0]
        word = self.word
        sql = f"{t}.search_grams @@ issues_query_grams(%s)"
        if len(word) <= 2:
            return sql, [word]
        text = f"concat_ws(' ', {t}.number, {t}.title, {t}.description, {t}.company)"
        return f"({sql} AND strpos(upper({text}), upper(%s)) > 0)", [word, word]


def contains_q(word: str) -> Q:
    """The rule for one word, as Django says it (SQLite; the reference on PostgreSQL)."""
    return (
        Q(number__icontains=word)
        | Q(title__icontains=word)
        | Q(description__icontains=word)
        | Q(company__icontains=word)
    )


def search(queryset: QuerySet, text: str) -> QuerySet:
    """The issues of `queryset` that contain every word of `text` (blank text: all of them)."""
    indexed = connections[queryset.db].vendor == "postgresql"
    for word in text.split():
        queryset = queryset.filter(_Contains(word) if indexed else contains_q(word))
    return queryset
