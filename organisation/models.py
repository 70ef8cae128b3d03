"""The organisation of the liaison mechanism: unions, chains, departments, people.

Measure 11: eight industry unions, each chain with one liaison officer, working with the
government's functional departments. Reference data carries stable codes
(DESIGN "Reference data", docs/design.md).
"""

from __future__ import annotations

import secrets

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audit.log import record
from audit.models import Event
from organisation.tokens import revoke_all


def _moves_the_token(result):
    """After a bulk write of a reference table: the process copies are out of date."""
    from organisation import reference_cache  # noqa: PLC0415 - it imports these models

    reference_cache.changed()
    return result


class ReferenceQuerySet(models.QuerySet):
    """A reference table (a few dozen rows at most): an unfiltered read in the default order
    is served from this process's copy (`organisation.reference_cache`, exact: checked against
    the database's token); anything else - a filter, a slice, another order, `values()`,
    `count()`, `get()` - is an ordinary query.

    `iterator()` is that read too, not Django's cursor: form and filter choices read their
    queryset with `iterator()`, which on PostgreSQL is a server-side cursor (DECLARE, FETCH,
    CLOSE: three round trips) for a table of ten rows, five times per issue list (issue 16).
    Large tables keep Django's cursor: the ledgers stream a million rows through it.
    """

    def iterator(self, chunk_size=None):
        return iter(self.all())

    # Writes that send no post_save/post_delete move the token too (see reference_cache).
    def update(self, **kwargs):
        return _moves_the_token(super().update(**kwargs))

    def bulk_create(self, objs, *args, **kwargs):
        return _moves_the_token(super().bulk_create(objs, *args, **kwargs))

    def bulk_update(self, objs, *args, **kwargs):
        return _moves_the_token(super().bulk_update(objs, *args, **kwargs))

    def _fetch_all(self):
        if self._result_cache is None and self._reads_whole_table():
            from organisation import reference_cache  # noqa: PLC0415 - it imports these models

            self._result_cache = reference_cache.rows(self.model)  # type: ignore[assignment]
        super()._fetch_all()

    def _reads_whole_table(self) -> bool:
        query = self.query
        return (
            self._iterable_class is models.query.ModelIterable
            and not self._prefetch_related_lookups  # type: ignore[attr-defined]
            and not query.where.children
            and not query.order_by
            and query.default_ordering
            and not query.annotations
            and not query.extra
            and not query.select_related
            and not query.distinct
            and not query.is_sliced
            and not query.select_for_update
            and query.combinator is None
            and query.deferred_loading == (frozenset(), True)
            and self.db == "default"
        )


class ReferenceVersion(models.Model):
    """One row: the token of the reference tables' current contents (`reference_cache`)."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("基础数据版本")
        verbose_name_plural = _("基础数据版本")

    def __str__(self) -> str:
        return self.token


class IndustryUnion(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_example = models.BooleanField(
        _("示例"), default=False, help_text=_("原文未点名的产业工会，以示例数据填充。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("产业工会")
        verbose_name_plural = _("产业工会")

    def __str__(self) -> str:
        return self.name


class IndustryChain(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    union = models.ForeignKey(
        IndustryUnion, on_delete=models.PROTECT, related_name="chains", verbose_name=_("产业工会")
    )
    union_is_assumed = models.BooleanField(
        _("归属为假设"), default=False, help_text=_("原文未写明产业链与产业工会的对应关系。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")

    def __str__(self) -> str:
        return self.name

    def current_term(self) -> OfficerTerm | None:
        return self.officer_terms.filter(ended_on__isnull=True).select_related("officer").first()


class Department(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    is_example = models.BooleanField(_("示例"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # The responsible leader for supervision, copied on 督办 notices (DESIGN "Reference data").
    leader_name = models.CharField(_("分管领导"), max_length=60, blank=True)
    leader_title = models.CharField(
        _("分管领导职务"), max_length=60, blank=True, help_text=_("例如：分管副局长")
    )
    leader_email = models.EmailField(_("分管领导邮箱"), blank=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")

    def __str__(self) -> str:
        return self.name


class IssueCategory(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    # Used when the secretariat assigns without naming a date and when an issue is reopened.
    default_days = models.PositiveSmallIntegerField(
        _("默认办理时限（工作日）"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("交办时未指定办理期限、或重办时，按此工作日数计算办理期限。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """One of the eleven measures of the 2024 policy; an issue may name the one it concerns."""

    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    title = models.CharField(_("简称"), max_length=60)
    text = models.TextField(_("原文"), blank=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("措施")
        verbose_name_plural = _("措施")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CalendarDay(models.Model):
    """A date the State Council's holiday notice makes special (DESIGN "Reference data").

    Every other date is a working day on Monday to Friday and a rest day on the weekend;
    `organisation.calendar` does the counting.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, help_text=_("例如：春节"))
    source = models.CharField(
        _("依据"), max_length=120, blank=True, help_text=_("放假通知的名称或文号")
    )
    is_provisional = models.BooleanField(
        _("暂定"),
        default=False,
        help_text=_("当年放假通知发布前按法定节假日暂列，通知发布后请核对补全。"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]),
                name="calendar_day_kind_is_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"


class User(AbstractUser):
    class Role(models.TextChoices):
        OFFICER = "officer", _("联络员")
        DEPARTMENT = "department", _("职能部门")
        SECRETARIAT = "secretariat", _("秘书处")
        LEADER = "leader", _("领导")

    name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    # Department staff membership: the department whose inbox this person works.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属部门"),
    )
    # The address of the person's own calendar feed (/meetings.ics?feed=…): grants the feed
    # and nothing else; reset on the profile page, which revokes the old address.
    calendar_feed_key = models.CharField(
        _("日历订阅密钥"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login", "calendar_feed_key"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="department") | models.Q(department__isnull=False),
                name="department_staff_have_a_department",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def is_department_staff(self) -> bool:
        return self.role == self.Role.DEPARTMENT and self.department_id is not None

    @property
    def is_secretariat(self) -> bool:
        return self.role == self.Role.SECRETARIAT

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def sees_everything(self) -> bool:
        return self.role in (self.Role.SECRETARIAT, self.Role.LEADER)

    @cached_property
    def chain_ids(self) -> frozenset[int]:
        """Chains this person is the *current* officer of (cached for the request)."""
        if not self.is_officer:
            return frozenset()
        return frozenset(
            OfficerTerm.objects.filter(officer=self, ended_on__isnull=True).values_list(
                "chain_id", flat=True
            )
        )

    @cached_property
    def union_chains(self) -> dict[int, int]:
        """{chain id: union id} of every chain of the unions this person currently serves as
        officer (cached for the request; one query, as the union ids alone took)."""
        if not self.chain_ids:
            return {}
        mine = IndustryChain.objects.filter(pk__in=self.chain_ids).values("union_id")
        return dict(IndustryChain.objects.filter(union_id__in=mine).values_list("pk", "union_id"))

    @property
    def union_ids(self) -> frozenset[int]:
        """Unions of the chains this person currently serves as officer."""
        return frozenset(self.union_chains.values())

    @property
    def union_chain_ids(self) -> frozenset[int]:
        """Every chain of those unions: an officer's issues are theirs (`visible_to`), asked
        of the issues' own (chain, raised_at) index rather than through a join to the chains."""
        return frozenset(self.union_chains)

    def current_chains(self):
        return IndustryChain.objects.filter(pk__in=self.chain_ids).select_related("union")

    def save(self, *args, **kwargs):
        # `set_password` leaves the raw password in `_password` until the save: a changed
        # password of an existing account revokes every API token of that person.
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            on_password_changed(self)

    def feed_key(self) -> str:
        """The calendar feed key, created on first use."""
        return self.calendar_feed_key or self.reset_feed_key()

    def reset_feed_key(self) -> str:
        self.calendar_feed_key = secrets.token_urlsafe(32)
        User.objects.filter(pk=self.pk).update(calendar_feed_key=self.calendar_feed_key)
        return self.calendar_feed_key


def on_password_changed(user: User) -> None:
    revoke_all(user, "修改密码")
    record(Event.PASSWORD_CHANGED, obj=user)


class OfficerTerm(models.Model):
    """A person's term as a chain's liaison officer; past terms are kept with their dates."""

    chain = models.ForeignKey(
        IndustryChain,
        on_delete=models.PROTECT,
        related_name="officer_terms",
        verbose_name=_("产业链"),
    )
    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="officer_terms", verbose_name=_("联络员")
    )
    started_on = models.DateField(_("任职日期"), default=timezone.localdate)
    ended_on = models.DateField(_("卸任日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["chain__order", "-started_on", "-pk"]
        verbose_name = _("联络员任期")
        verbose_name_plural = _("联络员任期")
        constraints = [
            models.UniqueConstraint(
                fields=["chain"],
                condition=models.Q(ended_on__isnull=True),
                name="one_active_officer_per_chain",
                violation_error_message=_("每条产业链只能有一名在任联络员。"),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="officer_term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.officer}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


def appoint_officer(chain: IndustryChain, user: User, on=None) -> OfficerTerm:
    """Make `user` the chain's current officer, ending the previous term the same day.

    Open issues follow the chain, not the person: nothing on the issues changes here.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        # Lock the chain so that two appointments at once cannot both end the same term.
        IndustryChain.objects.select_for_update().get(pk=chain.pk)
        current = chain.officer_terms.filter(ended_on__isnull=True).first()
        if current and current.officer_id == user.pk:
            return current
        if current:
            current.ended_on = max(on, current.started_on)
            current.save(update_fields=["ended_on"])
        if user.role != User.Role.OFFICER:
            user.role = User.Role.OFFICER
            user.department = None
            user.save(update_fields=["role", "department"])
        user.__dict__.pop("chain_ids", None)
        user.__dict__.pop("union_chains", None)
        return OfficerTerm.objects.create(chain=chain, officer=user, started_on=on)


def end_officer_terms(user: User, on=None) -> None:
    """End every active term of `user` (someone who stops being an officer)."""
    on = on or timezone.localdate()
    for term in OfficerTerm.objects.filter(officer=user, ended_on__isnull=True):
        term.ended_on = max(on, term.started_on)
        term.save(update_fields=["ended_on"])


class SignInLock(AccessAttempt):
    """No table of its own: django-axes' failed sign-ins, shown in the organisation's admin as
    「登录锁定」 so that the secretariat and the security administrator unlock (delete) them."""

    class Meta:
        proxy = True
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")


class PeopleImport(User):
    """No table: gives the admin a "批量导入人员" entry (the upload screen of `import_people`)."""

    class Meta:
        proxy = True
        verbose_name = _("批量导入人员")
        verbose_name_plural = _("批量导入人员")
