"""The reference rows kept in memory (organisation.reference_cache): read once, never stale.

A page shows the chain, union, category and department of each issue and offers them as
filter choices; those rows are served from this process's snapshot, and every change - here,
in another process, or rolled back - is seen by the next page.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import Issue
from organisation import reference_cache
from organisation.models import Department, IndustryChain, IndustryUnion, IssueCategory
from tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

REFERENCE_TABLES = (
    "organisation_industryunion",
    "organisation_industrychain",
    "organisation_department",
    "organisation_issuecategory",
    "organisation_measure",
)


def _issue(officer, chain: str) -> Issue:
    return IssueFactory(
        raised_by=officer,
        chain=IndustryChain.objects.get(code=chain),
        category=IssueCategory.objects.order_by("order").first(),
    )


@pytest.fixture
def listed(client, software_officer):
    _issue(software_officer, "software")
    client.force_login(software_officer)
    return client


def _list_page(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("issues:list"))
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _whole_table_reads(sql: list[str]) -> list[str]:
    """Reads of a reference table with no WHERE: the rows a snapshot would serve."""
    return [
        s
        for s in sql
        if any(f'FROM "{table}"' in s for table in REFERENCE_TABLES) and "WHERE" not in s
    ]


def _written_elsewhere(chain: IndustryChain, name: str, *, token: str | None) -> None:
    """A rename as another process leaves it in the database (raw SQL: this process is not
    told): with a new token, as the admin's save writes it; or, to show that the page is
    served from memory, without."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisation_industrychain SET name = %s WHERE id = %s", [name, chain.pk]
        )
        if token:
            cursor.execute("UPDATE organisation_referenceversion SET token = %s", [token])


def test_a_second_page_reads_no_reference_table(listed):
    reference_cache.forget()
    _html, first = _list_page(listed)
    assert _whole_table_reads(first)  # the first page of the process reads them
    html, second = _list_page(listed)
    assert _whole_table_reads(second) == []
    assert "软件" in html and 'name="department"' in html  # the rows and choices are there


def test_a_rename_in_this_process_shows_on_the_next_page(listed):
    _list_page(listed)
    chain = IndustryChain.objects.get(code="software")
    chain.name = "软件和信息服务"
    chain.save()
    html, _sql = _list_page(listed)
    assert "软件和信息服务" in html


def test_a_rename_committed_by_another_process_shows_on_the_next_page(listed):
    _list_page(listed)
    chain = IndustryChain.objects.select_related("union").get(code="software")
    row = "{} · " + chain.union.name  # the issue row: chain · union · category
    _written_elsewhere(chain, "未通知的新名", token=None)
    html, _sql = _list_page(listed)
    assert row.format("未通知的新名") not in html  # served from memory: the token did not move
    assert row.format(chain.name) in html
    _written_elsewhere(chain, "另一进程的新名", token="other")
    html, _sql = _list_page(listed)
    assert row.format("另一进程的新名") in html


def test_a_rolled_back_rename_is_not_kept(listed):
    chain = IndustryChain.objects.get(code="software")
    original = chain.name
    with pytest.raises(RuntimeError), transaction.atomic():
        chain.name = "回滚的名称"
        chain.save()
        html, _sql = _list_page(listed)  # read inside the transaction: its own change
        assert "回滚的名称" in html
        raise RuntimeError("rolled back")
    html, _sql = _list_page(listed)
    assert "回滚的名称" not in html
    assert original in html


def test_a_new_department_is_offered_at_once(listed):
    _list_page(listed)
    Department.objects.create(code="newdept", name="新设部门")
    html, _sql = _list_page(listed)
    assert "新设部门" in html


def test_an_issue_of_a_chain_newer_than_the_snapshot_still_shows_it(software_officer):
    """A chain another process created after this snapshot, its token not read yet (within
    one request): read from the database for that issue, not left blank."""
    union = IndustryUnion.objects.get(code="electronics-it")
    assert reference_cache.current() is not None  # the snapshot, before the new chain
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organisation_industrychain (code, name, union_id, union_is_assumed,"
            " \"order\") VALUES ('quantum', '量子', %s, false, 0)",
            [union.pk],
        )
    issue = _issue(software_officer, "quantum")
    assert "quantum" not in {c.code for c in reference_cache.current().rows[IndustryChain]}
    shown = Issue.objects.with_related().get(pk=issue.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert (shown.chain.name, shown.chain.union.code) == ("量子", "electronics-it")
    assert ctx.captured_queries == []  # read with the issue, not lazily afterwards


def test_each_caller_gets_rows_of_its_own():
    first = list(Department.objects.all())
    first[0].name = "改在内存里"
    first[0].open_count = 3  # an attribute a page might set for its own display
    again = list(Department.objects.all())
    assert again[0].name != "改在内存里"
    assert not hasattr(again[0], "open_count")
    assert [d.code for d in again] == [d.code for d in Department.objects.order_by("order", "code")]


def test_writes_without_signals_move_the_token_too():
    reference_cache.current()
    Department.objects.filter(code="hrss").update(name="批量改名")
    assert "批量改名" in [d.name for d in Department.objects.all()]


def test_without_a_token_row_every_read_goes_to_the_database():
    """After a test database is flushed, before any reference row is saved again."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisation_referenceversion")
        cursor.execute("UPDATE organisation_department SET name = '直接写入' WHERE code = 'hrss'")
    assert reference_cache.current() is None
    assert "直接写入" in [d.name for d in Department.objects.all()]


def test_filtered_and_reordered_reads_are_ordinary_queries():
    reference_cache.current()
    with CaptureQueriesContext(connection) as ctx:
        list(Department.objects.filter(code="hrss"))
        list(Department.objects.order_by("-code"))
        list(Department.objects.values_list("code", flat=True))
    assert len(ctx.captured_queries) == 3
