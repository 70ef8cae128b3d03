"""Issues that look like a title being typed (可能重复, DESIGN "Public API": issues/similar).

One function answers, on either database: `similar_issues`. The database picks a bounded
set of candidates — on PostgreSQL the open issues closest by `pg_trgm` similarity (the
extension comes from migration 0002), on SQLite the most recent open issues — and every
candidate is then scored by the same `score` (Dice's coefficient over character bigrams),
so what counts as "similar" and the order of the answer are the same on both.

Bigrams rather than words: Chinese titles have no spaces, and two characters are the
shortest unit that still means something (招聘, 补贴, 人才).

No trigram index on the title: a GIN `gin_trgm_ops` index serves only the `%` operator, whose
threshold (0.3) drops real Chinese duplicates — 测试工程师招不到人 is 0.24 by trigrams from
高级测试工程师招聘难, 0.59 by bigrams — and at a lenient threshold it saved little (EXPLAIN
ANALYZE on 13,000 open issues: 47 ms sequential, 31 ms through the index). The scan reads
open issues only, which a year of work keeps to a few thousand at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection

from issues.models import Issue
from issues.states import OPEN_STATES

LIMIT = 5  # DESIGN: up to 5 open issues
MIN_LENGTH = 2  # one character has no bigram: nothing to compare
MIN_SCORE = 0.3  # below this two titles merely share a common word
# How many candidates the database hands over for scoring: the closest by trigram
# similarity (PostgreSQL) or the most recent open ones (SQLite).
CANDIDATES = 50
SQLITE_CANDIDATES = 500
# pg_trgm similarity under which a title is not even a candidate (lenient: the bigram score
# decides; trigrams of short Chinese titles score lower than their bigrams).
TRIGRAM_FLOOR = 0.05


@dataclass(frozen=True)
class Match:
    id: int
    number: str
    title: str
    state: str
    score: float


def _normalise(text: str) -> str:
    # Case and spacing are not what makes two titles different.
    return "".join(text.lower().split())


def bigrams(text: str) -> set[str]:
    text = _normalise(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def score(a: str, b: str) -> float:
    """Dice's coefficient of the two titles' character bigrams: 1 alike, 0 nothing shared."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def similar_issues(user, title: str, chain=None) -> list[Match]:
    """Up to `LIMIT` open issues visible to `user` whose title looks like `title`, best first.

    `chain` (an `IndustryChain`, optional) narrows to that chain. Withdrawn, merged and
    verified issues are never offered: nobody should open one instead of filing.
    """
    title = title.strip()
    if len(_normalise(title)) < MIN_LENGTH:
        return []
    issues = Issue.objects.visible_to(user).filter(state__in=OPEN_STATES)
    if chain is not None:
        issues = issues.filter(chain=chain)
    fields = ("pk", "number", "title", "state")
    if connection.vendor == "postgresql":
        rows = (
            issues.annotate(trigram=TrigramSimilarity("title", title))
            .filter(trigram__gt=TRIGRAM_FLOOR)
            .order_by("-trigram", "-pk")
            .values_list(*fields)[:CANDIDATES]
        )
    else:
        rows = issues.order_by("-raised_at", "-pk").values_list(*fields)[:SQLITE_CANDIDATES]
    matches = [
        Match(id=pk, number=number, title=other, state=state, score=round(score(title, other), 2))
        for pk, number, other, state in rows
    ]
    matches = [m for m in matches if m.score >= MIN_SCORE]
    matches.sort(key=lambda m: (-m.score, -m.id))
    return matches[:LIMIT]
