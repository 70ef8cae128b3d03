"""The figures' rollup (issue 14): `FigureBucket` rows per Beijing date raised, chain, lead
department, measure and state, each the sums of ``issues.stats.stored_tallies()`` over the
issues of that bucket, so that the dashboard, the league table, the annual report and agenda
and the bulletin sum a few thousand rows instead of aggregating every issue.

One definition of each figure: a bucket is never incremented by hand; it is *recomputed* by
the same aggregate the live figures use, over the issues of its family - the (date raised,
chain) pair, a few dozen issues even at a million - in the transaction of the change:

* ``refresh(families)``: lock the families (PostgreSQL: an advisory transaction lock per
  family, taken in key order; SQLite serialises writers), delete their rows, and insert them
  again with one ``INSERT … SELECT … GROUP BY``. The aggregate runs after the lock, so a
  concurrent change of an issue of the same family, committed meanwhile, is counted (READ
  COMMITTED takes a new snapshot per statement).
* What calls it: every save and delete of an issue (its family as loaded, `Issue.from_db`,
  and its family now), of a supervision notice and of an extension request (their issue's
  family); ``Issue.objects.update()``/``bulk_update()`` (the families before and after);
  the notices' ``bulk_create`` (`issues.notices`). ``Issue.objects.bulk_create`` is the bulk
  load path (the benchmark's generator): it leaves the rollup to its caller, which calls
  ``rebuild()`` when it is done.
* ``rebuild(year=None)``: everything (or one year raised) again in one statement;
  ``manage.py rebuild_figures``. The working-day calendar changes the working-day figures of
  any issue, so saving or deleting a calendar day rebuilds the whole rollup (a few seconds at
  a million issues, in the admin's request, which is rare).
* ``deferred()``: inside it nothing is refreshed and one rebuild runs at the end (a load).
* `ResolvedDay` (the monthly 报结 column: issues per day *resolved* × chain) is kept the same
  way, its family the (date resolved, chain) before and after the change.
* `FigureMonth`, the coarse level: the buckets of a (month raised, chain) summed per state,
  per measure and per lead department (three groupings, one row each: a few dozen rows per
  chain and month at any number of issues). ``refresh`` recomputes the months of the families
  it refreshed from their buckets, after them, in the same transaction; its lock is taken
  with the families' (one statement, key order), so two changes of the same chain in the
  same month raised run their refreshes one after the other (otherwise each would sum the
  other's day without its change). The figures read whole months from it and only the days
  of a period outside whole months from the buckets; the home page's counts by state sum it.

Cost: a transition adds three statements (lock, delete, insert) per family it touches, and
two per month (delete, insert of a few hundred bucket rows summed). The bucket key is
fine-grained (at 100k issues over three years, ~95k buckets: most (day, chain, department,
measure, state) combinations hold one issue), so a sum over buckets reads about as many rows
as it has issues: hence the months, ~9,000-10,000 rows for three years at 100k as at 1M.
"""

from __future__ import annotations

import contextlib
import contextvars
import operator
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from issues import counting, deadlines, stats
from issues.models import (
    ExtensionRequest,
    FigureBucket,
    FigureMonth,
    Issue,
    ResolvedDay,
    SupervisionNotice,
    figure_families,
    figure_family,
)
from organisation import calendar
from organisation.models import CalendarDay

Family = tuple[date, int]

COLUMNS = ("raised_on", *stats.BUCKET_KEYS, *stats.STORED_KEYS)
# Up to this many families, one compiled statement each; more (a bulk update), one statement
# per `DAYS_PER_STATEMENT` days, compiled each time.
FAMILIES_ONE_BY_ONE = 3
DAYS_PER_STATEMENT = 100
# The high bits of the advisory lock keys: the figures' own range of keys.
LOCK_NAMESPACE = 0x4647 << 48
RESOLVED_NAMESPACE = 1 << 44  # the resolved days' keys, apart from the buckets'
RESOLVED_COLUMNS = ("resolved_on", "chain_id", "resolved")
MONTH_NAMESPACE = 2 << 44  # the months' keys (`FigureMonth`), apart from both
MONTH_KEYS = ("month", "chain_id", "grouped_by", "state", "measure_id", "department_id")
MONTH_COLUMNS = (*MONTH_KEYS, *stats.STORED_KEYS)
GROUPINGS = stats.MONTH_GROUPINGS

_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("figures_deferred", default=False)


def bucket_rows(issues) -> QuerySet:
    """The buckets of `issues`: one row per key, the stored tallies summed (a queryset)."""
    return (
        issues.order_by()
        .annotate(raised_on=counting.beijing_date("raised_at"))
        .values("raised_on", *stats.BUCKET_KEYS)
        .annotate(**stats.stored_tallies())
    )


def _insert(issues) -> None:
    """INSERT … SELECT the buckets of `issues` (zero instead of an empty sum)."""
    sql, params = _insert_sql(issues)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_sql(issues) -> tuple[str, list]:
    sql, params = bucket_rows(issues).query.sql_with_params()
    qn = connection.ops.quote_name
    table = qn(FigureBucket._meta.db_table)
    columns = ", ".join(qn(c) for c in COLUMNS)
    picked = ", ".join(
        f"s.{qn(c)}" if c in ("raised_on", *stats.BUCKET_KEYS) else f"COALESCE(s.{qn(c)}, 0)"
        for c in COLUMNS
    )
    return f"INSERT INTO {table} ({columns}) SELECT {picked} FROM ({sql}) s", list(params)


# The SQL of one family's refresh, compiled once per calendar (the working-day `CASE` has a
# branch per special date: compiling it costs more than running it over a few dozen issues).
_SENTINELS = (
    datetime(1901, 1, 2, tzinfo=UTC),
    datetime(1901, 1, 3, tzinfo=UTC),
    -987_654_321,
)
_compiled: dict[str, tuple[tuple, str, list, list[int]]] = {}


def _prep(value):
    """A parameter as the backend's compiler leaves it (SQLite: a datetime as text)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def _family_sql() -> tuple[str, list, list[int]]:
    """INSERT … SELECT of one (day, chain) family: its SQL, parameters, and where in them the
    day's bounds and the chain go."""
    special = calendar.special_dates()
    key = (special.holidays, special.workdays, deadlines.accept_days(), connection.alias)
    cached = _compiled.get("family")
    if cached is None or cached[0] != key:
        since, until, chain = _SENTINELS
        issues = Issue.objects.filter(raised_at__gte=since, raised_at__lt=until, chain_id=chain)
        sql, params = _insert_sql(issues)
        marks = [_prep(s) for s in _SENTINELS]
        slots = [params.index(mark) for mark in marks]
        if connection.vendor == "postgresql":
            sql, params, slots = _written_in(sql, params, slots)
        cached = _compiled["family"] = (key, sql, params, slots)
    return cached[1], cached[2], cached[3]


_PLACEHOLDER = re.compile(r"%%|%s")


def _written_in(sql: str, params: list, slots: list[int]) -> tuple[str, list, list[int]]:
    """The statement with every parameter but the `slots` written into it as a literal, as
    psycopg's client-side binding would write it (PostgreSQL).

    The calendar's `CASE` makes ~1,000 parameters in ~33 KB of SQL: psycopg caches the
    parsing of a statement only below 4 KB and 50 parameters, so each transition spent ~4 ms
    of CPU re-reading the statement and quoting the same dates (issue 16). Written in once,
    only the day's bounds and the chain are bound per call."""
    kept = sorted(slots)
    # PostgreSQL's operations (the stubs type the base class, which has no compose_sql).
    literal = cast(Any, connection.ops).compose_sql
    index = -1

    def write(match: re.Match) -> str:
        nonlocal index
        if match.group() == "%%":
            return "%%"
        index += 1
        if index in kept:
            return "%s"
        return literal("%s", [params[index]]).replace("%", "%%")

    written = _PLACEHOLDER.sub(write, sql)
    if index != len(params) - 1:
        raise ValueError(f"{index + 1} parameter marks for {len(params)} parameters")
    return written, [params[i] for i in kept], [kept.index(slot) for slot in slots]


def _insert_family(day: date, chain: int) -> None:
    sql, params, slots = _family_sql()
    values = list(params)
    for slot, value in zip(slots, (*_day_bounds(day), chain), strict=True):
        values[slot] = _prep(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(day, time.min), tz)
    return since, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)


def _lock(families: list[Family], namespace: int = 0, months: Iterable[Family] = ()) -> None:
    """Advisory transaction locks on `families` (and on the `months` families of
    `FigureMonth`), all taken in one statement in key order, so two writers never wait
    for each other crosswise."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time
    base = LOCK_NAMESPACE + namespace
    keys = sorted(
        [base + day.toordinal() * (1 << 20) + chain for day, chain in families]
        + [LOCK_NAMESPACE + MONTH_NAMESPACE + m.toordinal() * (1 << 20) + c for m, c in months]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) t",
            [keys],
        )


def refresh(families: Iterable[Family | None]) -> None:
    """Recompute the buckets of `families` from their issues, then the months they fall in
    from their buckets (see the module's text)."""
    wanted = sorted({f for f in families if f is not None})
    if not wanted or _deferred.get():
        return
    months = sorted({(day.replace(day=1), chain) for day, chain in wanted})
    with transaction.atomic():
        _lock(wanted, months=months)
        _refresh_buckets(wanted)
        _refresh_months(months)


def _refresh_buckets(wanted: list[Family]) -> None:
    by_day: dict[date, set[int]] = {}
    for day, chain in wanted:
        by_day.setdefault(day, set()).add(chain)
    days = sorted(by_day)
    if len(wanted) <= FAMILIES_ONE_BY_ONE:  # a transition: the compiled statement
        FigureBucket.objects.filter(
            reduce(operator.or_, (Q(raised_on=d, chain_id=c) for d, c in wanted))
        ).delete()
        for day, chain in wanted:
            _insert_family(day, chain)
        return
    for n in range(0, len(days), DAYS_PER_STATEMENT):
        rows, issues = Q(), Q()
        for day in days[n : n + DAYS_PER_STATEMENT]:
            chains = sorted(by_day[day])
            since, until = _day_bounds(day)
            rows |= Q(raised_on=day, chain_id__in=chains)
            issues |= Q(raised_at__gte=since, raised_at__lt=until, chain_id__in=chains)
        FigureBucket.objects.filter(rows).delete()
        _insert(Issue.objects.filter(issues))


def _refresh_months(months: Iterable[Family]) -> None:
    """The `FigureMonth` rows of these (month, chain) families again from their buckets (a
    few hundred rows each at a million issues): one DELETE, one INSERT per month."""
    by_month: dict[date, list[int]] = {}
    for month, chain in months:
        by_month.setdefault(month, []).append(chain)
    FigureMonth.objects.filter(
        reduce(operator.or_, (Q(month=m, chain_id__in=c) for m, c in by_month.items()))
    ).delete()
    for month, chains in by_month.items():
        _insert_month(month, chains)


def _insert_month(month: date, chains: list[int] | None = None) -> None:
    """INSERT … SELECT the rows of `month` (of `chains`, default all) from its buckets: each
    grouping of `GROUPINGS` a GROUP BY of the same sums, the three joined by UNION ALL."""
    qn = connection.ops.quote_name
    sums = ", ".join(f"SUM({qn(c)})" for c in stats.STORED_KEYS)
    where = f"{qn('raised_on')} >= %s AND {qn('raised_on')} < %s"
    if chains is not None:
        where += f" AND {qn('chain_id')} IN ({', '.join(['%s'] * len(chains))})"
    null = {"state": "CAST(NULL AS varchar(20))", "measure_id": "CAST(NULL AS integer)"}
    null["department_id"] = null["measure_id"]
    bounds = [connection.ops.adapt_datefield_value(d) for d in (month, stats.next_month(month))]
    selects, params = [], []
    for grouping, key in GROUPINGS.items():
        keys = ", ".join(qn(k) if k == key else null[k] for k in GROUPINGS.values())
        selects.append(
            f"SELECT %s, {qn('chain_id')}, %s, {keys}, {sums}"
            f" FROM {qn(FigureBucket._meta.db_table)} WHERE {where}"
            f" GROUP BY {qn('chain_id')}, {qn(key)}"
        )
        params += [bounds[0], str(grouping), *bounds, *(chains or [])]
    columns = ", ".join(qn(c) for c in MONTH_COLUMNS)
    sql = f"INSERT INTO {qn(FigureMonth._meta.db_table)} ({columns}) " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh_resolved(families: Iterable[Family | None]) -> None:
    """Recount the `ResolvedDay` rows of these (day resolved, chain) families."""
    wanted = sorted({f for f in families if f is not None})
    if not wanted or _deferred.get():
        return
    with transaction.atomic():
        _lock(wanted, namespace=RESOLVED_NAMESPACE)
        rows, issues = Q(), Q()
        for day, chain in wanted:
            since, until = _day_bounds(day)
            rows |= Q(resolved_on=day, chain_id=chain)
            issues |= Q(resolved_at__gte=since, resolved_at__lt=until, chain_id=chain)
        ResolvedDay.objects.filter(rows).delete()
        _insert_resolved(Issue.objects.filter(issues))


def _resolved_rows(issues):
    return (
        issues.filter(resolved_at__isnull=False)
        .order_by()
        .annotate(resolved_on=counting.beijing_date("resolved_at"))
        .values("resolved_on", "chain_id")
        .annotate(resolved=Count("pk"))
    )


def _insert_resolved(issues) -> None:
    sql, params = _resolved_rows(issues).query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in RESOLVED_COLUMNS)
    picked = ", ".join(f"s.{qn(c)}" for c in RESOLVED_COLUMNS)
    table = qn(ResolvedDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {picked} FROM ({sql}) s", params)


def refresh_issues(issues: Iterable[Issue]) -> None:
    """Refresh the buckets of these issues, where they were loaded and where they are now."""
    raised: set[Family | None] = set()
    resolved: set[Family | None] = set()
    for issue in issues:
        now = figure_families(issue)
        was = issue.figures_origin
        raised |= {was[0], now[0]}
        resolved |= {was[1], now[1]}
        issue.figures_origin = now
    refresh(raised)
    refresh_resolved(resolved)


def families_of(issues) -> tuple[set[Family | None], set[Family | None]]:
    """The (raised, resolved) families of the issues of a queryset (one query)."""
    rows = issues.order_by().values_list("raised_at", "resolved_at", "chain_id").distinct()
    raised: set[Family | None] = set()
    resolved: set[Family | None] = set()
    for raised_at, resolved_at, chain in rows:
        raised.add((timezone.localdate(raised_at), chain))
        if resolved_at is not None:
            resolved.add((timezone.localdate(resolved_at), chain))
    return raised, resolved


def refresh_families(families: tuple[set[Family | None], set[Family | None]]) -> None:
    refresh(families[0])
    refresh_resolved(families[1])


def rebuild(year: int | None = None) -> int:
    """Every bucket (of issues raised in `year`) again from the issues; the rows written."""
    with transaction.atomic():
        buckets, issues = FigureBucket.objects.all(), Issue.objects.all()
        if year is not None:
            start, end = date(year, 1, 1), date(year, 12, 31)
            buckets = buckets.filter(raised_on__gte=start, raised_on__lte=end)
            issues = stats.cohort(issues, start, end)
        buckets.delete()
        _insert(issues)
        resolved_days = ResolvedDay.objects.all()
        resolved = Issue.objects.all()
        if year is not None:  # the issues resolved in `year`, whatever year raised
            resolved_days = resolved_days.filter(resolved_on__gte=start, resolved_on__lte=end)
            since, until = _day_bounds(start)[0], _day_bounds(end)[1]
            resolved = resolved.filter(resolved_at__gte=since, resolved_at__lt=until)
        resolved_days.delete()
        _insert_resolved(resolved)
        rebuild_months(year)
        kept = FigureBucket.objects.all()
        if year is not None:
            kept = kept.filter(raised_on__year=year)
        return kept.count()


def rebuild_months(year: int | None = None) -> None:
    """The `FigureMonth` rows (of `year`) again from the buckets: one statement per month."""
    months = FigureMonth.objects.all()
    if year is None:
        days = FigureBucket.objects.aggregate(first=Min("raised_on"), last=Max("raised_on"))
        first, last = days["first"], days["last"]
    else:
        first, last = date(year, 1, 1), date(year, 12, 31)
        months = months.filter(month__gte=first, month__lte=last)
    months.delete()
    month = first.replace(day=1) if first else None
    while month is not None and last is not None and month <= last:
        _insert_month(month)
        month = stats.next_month(month)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Skip every refresh inside, and rebuild once at the end (a bulk load)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    rebuild()


# --- what keeps it ----------------------------------------------------------------------


def _issue_written(sender, instance: Issue, **kwargs) -> None:
    refresh_issues([instance])


def _related_written(sender, instance, **kwargs) -> None:
    """A notice or an extension request changes its issue's tallies (urged, extended …)."""
    issue = instance._state.fields_cache.get("issue")
    if issue is not None:
        refresh([figure_family(issue)])
    else:
        refresh(families_of(Issue.objects.filter(pk=instance.issue_id))[0])


def _calendar_changed(sender, **kwargs) -> None:
    calendar.clear_cache()  # the working-day SQL is built from the calendar just written
    # Loading the calendar into a database without issues (set-up) has nothing to rebuild.
    if not _deferred.get() and Issue.objects.exists():
        rebuild()


def connect() -> None:
    """Called once by the app's ready()."""
    post_save.connect(_issue_written, sender=Issue, dispatch_uid="figures_issue_saved")
    post_delete.connect(_issue_written, sender=Issue, dispatch_uid="figures_issue_deleted")
    for model in (SupervisionNotice, ExtensionRequest):
        name = model.__name__
        post_save.connect(_related_written, sender=model, dispatch_uid=f"figures_{name}_saved")
        post_delete.connect(_related_written, sender=model, dispatch_uid=f"figures_{name}_del")
    post_save.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="figures_calendar_s")
    post_delete.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="figures_calendar_d")


def stored_rows(year: int | None = None) -> set[tuple]:
    """The rollup's rows as tuples of `COLUMNS` (empty buckets left out)."""
    buckets = FigureBucket.objects.all()
    if year is not None:
        buckets = buckets.filter(raised_on__year=year)
    return set(buckets.values_list(*COLUMNS))


def direct_rows(year: int | None = None) -> set[tuple]:
    """The rows the rollup should hold, aggregated from the issues now."""
    issues = Issue.objects.all()
    if year is not None:
        issues = stats.cohort(issues, date(year, 1, 1), date(year, 12, 31))
    sums = set(stats.STORED_KEYS)
    return {
        tuple(row[c] or 0 if c in sums else row[c] for c in COLUMNS) for row in bucket_rows(issues)
    }


def stored_resolved() -> set[tuple]:
    return set(ResolvedDay.objects.values_list(*RESOLVED_COLUMNS))


def direct_resolved() -> set[tuple]:
    return {tuple(row[c] for c in RESOLVED_COLUMNS) for row in _resolved_rows(Issue.objects.all())}


def stored_months(year: int | None = None) -> set[tuple]:
    """`FigureMonth`'s rows as tuples of `MONTH_COLUMNS`."""
    months = FigureMonth.objects.all()
    if year is not None:
        months = months.filter(month__year=year)
    return set(months.values_list(*MONTH_COLUMNS))


def direct_months(year: int | None = None, buckets: set[tuple] | None = None) -> set[tuple]:
    """The rows `FigureMonth` should hold: the direct buckets (`direct_rows`, from the issues,
    or `buckets` when the caller has them) summed per month, chain and each grouping."""
    position = {c: n for n, c in enumerate(COLUMNS)}
    sums: dict[tuple, list[int]] = {}
    for row in direct_rows(year) if buckets is None else buckets:
        for grouping, key in GROUPINGS.items():
            keys = {k: row[position[k]] if k == key else None for k in GROUPINGS.values()}
            month = row[position["raised_on"]].replace(day=1)
            into = sums.setdefault(
                (month, row[position["chain_id"]], str(grouping), *keys.values()),
                [0] * len(stats.STORED_KEYS),
            )
            for n, name in enumerate(stats.STORED_KEYS):
                into[n] += row[position[name]]
    return {(*key, *values) for key, values in sums.items()}


def differences(year: int | None = None) -> int:
    """How many rows differ between the rollup and a direct count (0: equal)."""
    direct = direct_rows(year)
    differing = len(stored_rows(year) ^ direct)
    differing += len(stored_months(year) ^ direct_months(year, direct))
    return differing + (len(stored_resolved() ^ direct_resolved()) if year is None else 0)
