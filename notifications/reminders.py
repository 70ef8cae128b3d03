"""Daily reminders of deadlines, as `issues.deadlines` defines them: overdue, 超时未签收
(assigned and not signed for within the 签收 window) and due soon.

The automatic 催办 and 督办 notices are issued first (`issues.notices.issue_automatic`, once
per overdue spell, announced in bulk). Then each issue overdue, unacknowledged late or due
soon is claimed for the day: a `Reminder` row per issue, kind and day (unique), written for
all of them by one `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING` per kind, so a second
run on the same day (or a run beside it) claims nothing and sends nothing; the next day sends
again. An issue can be claimed under two kinds (overdue and never signed for): it is listed
under each, as the list's `overdue=true` and `unacknowledged=true` both count it.

Who hears of the claimed issues (`LIAISON_REMINDER_DIGEST`, on by default):
- the staff of each lead department - the people who can 签收, and who handle it: one digest
  a day each, in the app (one notification whose `items` list the issues, overdue first (the
  most overdue first), then the unacknowledged, then those due soon, with links) and by
  e-mail; with the setting off, one in-app notification per issue and person instead, and the
  same e-mail;
- the secretariat (联席会议秘书处, the 督办 office): one summary a day each (in the app and by
  e-mail). It is the one that acts on a 签收 not given - rings the department, or 改派 an
  issue sent to the wrong one - as on an issue overdue. Co-departments cannot 签收, and the
  chain's officer and the leaders see the red warning on their lists: none of them is told
  (a leader hears of an issue when its 督办 is copied to the department's leader);
- webhooks that want `overdue`: one message a day with the overdue count.
A digest lists at most `LISTED` issues, then links to the list of the rest of each kind.

The number of queries does not grow with the issues (tests/notifications/test_reminder_scale.py):
the issues are read once, as plain values, and the rows are written in bulk; what grows is one
e-mail (a delivery and its task) per person told. Every e-mail and webhook call is a background
task (notifications/tasks.py), written in the same transaction as the rest.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues.deadlines import WARNING_DAYS, accept_by, due_soon_q, overdue_q, unacknowledged_q
from issues.models import Issue, today
from issues.notices import issue_automatic
from liaison.formats import cn_date
from notifications import notify as n
from notifications.models import Notification, Reminder, WebhookEvent
from organisation.calendar import working_days_between
from organisation.models import Department, User

LISTED = 30  # issues listed in one digest (in the app, the e-mail, a webhook call)

# The kinds, in the order a digest lists and counts them: the two red ones (DESIGN `warning`)
# first - past the due date promised to the enterprise, then past the 签收 window - then the
# yellow. A digest is of its first kind that it holds (its notification kind and its link).
ORDER = (Reminder.Kind.OVERDUE, Reminder.Kind.UNACKNOWLEDGED, Reminder.Kind.DUE_SOON)
# Past `LISTED`, a digest links to the rest of each kind it could not list: the issue list's
# filter of that kind (`issues.filters`), and the line that says how many more. One line per
# kind, so that the unsigned ones are a tap away when hundreds overdue fill the list.
REST = {
    Reminder.Kind.OVERDUE: ("overdue=true", gettext_lazy("另有已超期%(count)d项，查看全部")),
    Reminder.Kind.UNACKNOWLEDGED: (
        "unacknowledged=true",
        gettext_lazy("另有超时未签收%(count)d项，查看全部"),
    ),
    Reminder.Kind.DUE_SOON: ("warning=yellow", gettext_lazy("另有即将到期%(count)d项，查看全部")),
}


def conditions(on: date) -> dict[str, Q]:
    """Each kind's rule on `on`, from `issues.deadlines` (the one definition of each)."""
    return {
        Reminder.Kind.OVERDUE: overdue_q(on),
        Reminder.Kind.UNACKNOWLEDGED: unacknowledged_q(on),
        Reminder.Kind.DUE_SOON: due_soon_q(on),
    }


def digest_mode() -> bool:
    return settings.LIAISON_REMINDER_DIGEST


@dataclass
class Line:
    """One claimed issue as the reminders name it."""

    issue_id: int
    kind: str
    department_id: int
    text: str

    @property
    def url(self) -> str:
        return reverse("issues:detail", args=[self.issue_id])

    @property
    def item(self) -> dict:
        return {"text": self.text, "url": self.url}


@dataclass
class Pile:
    """The claimed issues of one audience: counts per kind, and the lines to list (kind by
    kind in `ORDER`, each the earliest due first), at most `limit`."""

    counts: Counter[str] = field(default_factory=Counter)
    shelves: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))
    limit: int | None = field(default_factory=lambda: LISTED)  # read when made (tests patch it)

    def add(self, line: Line) -> None:
        # Lines arrive by due date, whatever their kind: each kind on its own shelf, so that
        # the listed ones are the first of each in `ORDER` (a shelf holds `limit` at most).
        self.counts[line.kind] += 1
        shelf = self.shelves[line.kind]
        if self.limit is None or len(shelf) < self.limit:
            shelf.append(line)

    @property
    def lines(self) -> list[Line]:
        lines = [line for kind in ORDER for line in self.shelves.get(kind, ())]
        return lines if self.limit is None else lines[: self.limit]

    @property
    def overdue(self) -> int:
        return self.counts[Reminder.Kind.OVERDUE]

    @property
    def unacknowledged(self) -> int:
        return self.counts[Reminder.Kind.UNACKNOWLEDGED]

    @property
    def due_soon(self) -> int:
        return self.counts[Reminder.Kind.DUE_SOON]

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def kind(self) -> str:
        return next(kind.value for kind in ORDER if self.counts[kind])


@dataclass
class Result:
    overdue: int = 0
    unacknowledged: int = 0
    due_soon: int = 0
    notifications: int = 0
    emails: int = 0
    notices: list = field(default_factory=list)  # the automatic 催办/督办 issued


def _claim(on: date) -> set[tuple[int, str]]:
    """Claim today's reminder of every issue overdue, unacknowledged late or due soon on `on`:
    the (issue id, kind) this run claimed, none of those an earlier or parallel run did (ON
    CONFLICT waits for that run's rows and skips them). One statement per kind, whatever the
    count."""
    moment = timezone.now()
    staff = (
        User.objects.filter(
            is_active=True, role=User.Role.DEPARTMENT, department_id=OuterRef("department_id")
        )
        .order_by()
        .values("department_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    table = connection.ops.quote_name(Reminder._meta.db_table)
    day = connection.ops.quote_name("on")
    claimed: set[tuple[int, str]] = set()
    for kind, condition in conditions(on).items():
        select = (
            Issue.objects.filter(condition)
            .order_by()
            .annotate(
                r_kind=Value(kind),
                r_on=Value(on, output_field=DateField()),
                r_recipients=Coalesce(Subquery(staff), 0, output_field=IntegerField()),
                r_sent_at=Value(moment, output_field=DateTimeField()),
            )
            .values_list("pk", "r_kind", "r_on", "r_recipients", "r_sent_at")
        )
        sql, params = select.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (issue_id, kind, {day}, recipients, sent_at) {sql} "
                f"ON CONFLICT (issue_id, kind, {day}) DO NOTHING RETURNING issue_id",
                params,
            )
            claimed |= {(row[0], kind) for row in cursor.fetchall()}
    return claimed


def _line(values: dict, kind: str, on: date) -> str:
    if kind == Reminder.Kind.UNACKNOWLEDGED:
        return _(
            "问题 %(number)s「%(title)s」超时未签收（%(assigned)s交办，签收时限%(by)s，"
            "承办部门：%(dept)s）。"
        ) % {
            "number": values["number"],
            "title": values["title"],
            "assigned": cn_date(timezone.localdate(values["assigned_at"])),
            "by": cn_date(accept_by(values["assigned_at"])),
            "dept": values["department__name"],
        }
    if kind == Reminder.Kind.OVERDUE:
        return _(
            "问题 %(number)s「%(title)s」已超期%(days)d个工作日（办理时限%(due)s，"
            "承办部门：%(dept)s）。"
        ) % {
            "number": values["number"],
            "title": values["title"],
            # Working days, as the issue page and the inbox count them (deadlines, in
            # DESIGN "The bottleneck state machine").
            "days": working_days_between(values["due_date"], on),
            "due": cn_date(values["due_date"]),
            "dept": values["department__name"],
        }
    left = working_days_between(on, values["due_date"])
    when = _("今天") if left == 0 else _("%(days)d个工作日后") % {"days": left}
    return _(
        "问题 %(number)s「%(title)s」将于%(when)s到期（办理时限%(due)s，承办部门：%(dept)s）。"
    ) % {
        "number": values["number"],
        "title": values["title"],
        "when": when,
        "due": cn_date(values["due_date"]),
        "dept": values["department__name"],
    }


def _claimed_lines(on: date, claimed: set[tuple[int, str]]):
    """The claimed issues as lines, the earliest due first (the most overdue first), a line
    per kind claimed: one query, streamed as plain values."""
    rows = (
        Issue.objects.filter(reduce(operator.or_, conditions(on).values()))
        .order_by("due_date", "pk")
        .values(
            "pk",
            "number",
            "title",
            "due_date",
            "assigned_at",
            "department_id",
            "department__name",
        )
    )
    for values in rows.iterator(chunk_size=2000):
        for kind in ORDER:
            if (values["pk"], kind) in claimed:
                yield Line(values["pk"], kind, values["department_id"], _line(values, kind, on))


def send_reminders(on: date | None = None) -> Result:
    on = on or today()
    result = Result()
    # One transaction: the day's notices, reminder rows, notifications and deliveries, all or none.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        result.notices = issue_automatic(on)
        claimed = _claim(on)
        if not claimed:
            return result
        per_issue = not digest_mode()
        everyone = Pile()
        departments: dict[int, Pile] = defaultdict(
            lambda: Pile(limit=None if per_issue else LISTED)
        )
        for line in _claimed_lines(on, claimed):
            everyone.add(line)
            departments[line.department_id].add(line)
        result.overdue, result.due_soon = everyone.overdue, everyone.due_soon
        result.unacknowledged = everyone.unacknowledged
        staff: dict[int, list[User]] = defaultdict(list)
        for person in (
            n.active_people()
            .filter(role=User.Role.DEPARTMENT, department_id__in=departments)
            .order_by("pk")
        ):
            staff[person.department_id].append(person)
        codes = dict(Department.objects.filter(pk__in=departments).values_list("pk", "code"))
        scopes = {pk: f"department={codes[pk]}&" for pk in departments}
        to_departments = _to_department_staff(departments, staff, scopes, on, per_issue)
        to_secretariat = _to_secretariat(everyone, on)
        result.notifications = len(
            Notification.objects.bulk_create(to_departments + to_secretariat)
        )
        result.emails = _mail_departments(departments, staff, scopes, per_issue)
        result.emails += _mail_secretariat(to_secretariat)
        _overdue_to_webhooks(everyone, on)
    return result


# --- who hears of what -------------------------------------------------------------------------


def _list_url(scope: str, kind: str) -> str:
    """The issue list of one kind: a department's (`scope` "department=<code>&") or all."""
    return f"/issues/?{scope}{REST[kind][0]}"


def _items(pile: Pile, scope: str) -> list[dict]:
    """The digest's lines: the listed issues, then a link to the rest of each kind."""
    lines = pile.lines
    items = [line.item for line in lines]
    listed = Counter(line.kind for line in lines)
    for kind in ORDER:
        if rest := pile.counts[kind] - listed[kind]:
            text = str(REST[kind][1]) % {"count": rest}
            items.append({"text": text, "url": _list_url(scope, kind)})
    return items


def _summary(pile: Pile, on: date) -> str:
    return _(
        "%(date)s办理时限提醒：已超期%(overdue)d项，超时未签收%(late)d项，"
        "%(days)d个工作日内到期%(soon)d项。"
    ) % {
        "date": cn_date(on),
        "days": WARNING_DAYS,
        "overdue": pile.overdue,
        "late": pile.unacknowledged,
        "soon": pile.due_soon,
    }


def _to_department_staff(departments, staff, scopes, on: date, per_issue: bool):
    """The lead departments' staff: one digest each (its items the issues), or, per issue,
    one notification per issue and person."""
    rows: list[Notification] = []
    for department_id, pile in departments.items():
        people = staff.get(department_id, [])
        if per_issue:
            rows += [
                Notification(
                    recipient=person,
                    kind=line.kind,
                    text=line.text,
                    url=line.url,
                    issue_id=line.issue_id,
                )
                for line in pile.lines
                for person in people
            ]
            continue
        only = pile.lines[0] if pile.count == 1 else None
        rows += [
            Notification(
                recipient=person,
                kind=pile.kind,
                text=_summary(pile, on),
                url=only.url if only else _list_url(scopes[department_id], pile.kind),
                issue_id=only.issue_id if only else None,
                items=_items(pile, scopes[department_id]),
            )
            for person in people
        ]
    return rows


def _to_secretariat(everyone: Pile, on: date) -> list[Notification]:
    return [
        Notification(
            recipient=person,
            kind=everyone.kind,
            text=_summary(everyone, on),
            url=_list_url("", everyone.kind),
            items=_items(everyone, ""),
        )
        for person in n.recipients(n.secretariat())
    ]


def _mail_departments(departments, staff, scopes, per_issue: bool) -> int:
    """One e-mail a day per person of a lead department, listing the department's issues."""
    sent = 0
    for department_id, pile in departments.items():
        items = _items(pile, scopes[department_id]) if not per_issue else []
        lines = [(line.text, line.url) for line in pile.lines]
        lines += [(item["text"], item["url"]) for item in items[len(pile.lines) :]]
        subject = _("办理时限提醒：%(count)d项问题") % {"count": pile.count}
        for person in staff.get(department_id, []):
            sent += n.queue_emails([person], subject, lines, intro=subject + "。", event="reminder")
    return sent


def _mail_secretariat(rows: list[Notification]) -> int:
    """The secretariat's summary by e-mail too: the same text and lines for each of them."""
    if not rows:
        return 0
    summary = rows[0]
    return n.queue_emails(
        [row.recipient for row in rows],
        summary.text.rstrip("。"),
        [(item["text"], item["url"]) for item in summary.items],
        intro=summary.text,
        event="reminder",
    )


def _overdue_to_webhooks(everyone: Pile, on: date) -> None:
    if not everyone.overdue:
        return
    text = _("%(date)s已超期问题%(count)d项。") % {
        "date": cn_date(on),
        "count": everyone.overdue,
    }
    listed = [line.issue_id for line in everyone.lines if line.kind == Reminder.Kind.OVERDUE]
    issues = (
        Issue.objects.filter(pk__in=listed).select_related("department").order_by("due_date", "pk")
    )
    n.announce(WebhookEvent.OVERDUE, text, "/issues/?overdue=true", issues=list(issues))
