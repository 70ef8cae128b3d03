"""Text search of issues: the `q=` of the list, the API and the ledger (one rule in one place).

An issue matches when every whitespace-separated word of the query occurs, case-insensitively,
in its number, title, description or company (Django's `icontains`). That is the rule on every
database; on PostgreSQL each word is first looked up by index, so a search costs what its
matches cost rather than a scan of every issue:

- the GIN index of `search_grams` (migration 0003_scale_indexes): an issue's characters and
  character pairs as tsvector lexemes; a word's pairs (its character, for one-character
  words) must all be there.
  That is a superset of the issues containing the word, and `icontains` beside it keeps the
  result exactly the old one. Measured against pg_trgm at 100k issues (README "Scale"): a
  trigram index cannot serve a two-character Chinese word (the pattern holds no whole trigram,
  PostgreSQL reads the whole index), the pairs serve one to four characters alike.
- SQLite (the embedded default, a city's few thousand issues a year): `icontains` alone.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value


class _HasGramsOf(Func):
    """`<the row's search_grams> @> issues_query_grams(word)`, for the issue table's alias.

    The column is not a model field (SQLite has none), so it is named next to the primary key
    the compiler gives: the same alias in a plain query as in a subquery (U0).
    """

    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__(F("pk"), Value(word))

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, _params = compiler.compile(self.source_expressions[0])
        table = pk_sql.rsplit(".", 1)[0]
        word_sql, word_params = compiler.compile(self.source_expressions[1])
        return f"{table}.search_grams @@ issues_query_grams({word_sql})", word_params


def contains_q(word: str) -> Q:
    """The rule for one word, on any database."""
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
        if indexed:
            queryset = queryset.filter(_HasGramsOf(word), contains_q(word))
        else:
            queryset = queryset.filter(contains_q(word))
    return queryset
