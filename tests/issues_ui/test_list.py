"""The issue list: visibility, filters, search, sorting and paging."""

from datetime import timedelta

import pytest
from django.urls import reverse

from issues.models import Issue, today
from issues.services import perform_transition
from organisation.models import IssueCategory, Measure

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db
URL = reverse("issues:list")


def _get(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def spread(software_officer, ai_officer, automotive_officer, secretariat, hrss_staff):
    """A software issue with hrss, an ai issue still raised, an automotive issue with housing."""
    soft = assign(file_issue(software_officer, title="软件测试工程师招聘难"), secretariat)
    ai = file_issue(
        ai_officer, chain="ai", title="人工智能企业算力补贴申报慢", category=_category("finance")
    )
    auto = assign(
        file_issue(
            automotive_officer,
            chain="automotive",
            title="汽车零部件企业职工宿舍不足",
            category=_category("housing"),
        ),
        secretariat,
        department="housing",
        days=30,
    )
    return {"soft": soft, "ai": ai, "auto": auto}


def _category(code):
    return IssueCategory.objects.get(code=code)


@pytest.mark.parametrize(
    "persona, titles",
    [
        ("software_officer", {"软件测试工程师招聘难", "人工智能企业算力补贴申报慢"}),
        ("automotive_officer", {"汽车零部件企业职工宿舍不足"}),
        ("hrss_staff", {"软件测试工程师招聘难"}),
        (
            "secretariat",
            {"软件测试工程师招聘难", "人工智能企业算力补贴申报慢", "汽车零部件企业职工宿舍不足"},
        ),
        (
            "leader",
            {"软件测试工程师招聘难", "人工智能企业算力补贴申报慢", "汽车零部件企业职工宿舍不足"},
        ),
        ("outsider", set()),
    ],
)
def test_each_person_sees_what_design_allows(client, spread, persona, titles, request):
    html = _get(client, request.getfixturevalue(persona))
    all_titles = {i.title for i in spread.values()}
    assert {t for t in all_titles if t in html} == titles


def test_filters(client, spread, secretariat):
    html = _get(client, secretariat, state="raised")
    assert "人工智能企业算力补贴申报慢" in html and "软件测试工程师招聘难" not in html
    html = _get(client, secretariat, union="auto-equipment")
    assert "汽车零部件企业职工宿舍不足" in html and "软件测试工程师招聘难" not in html
    html = _get(client, secretariat, chain="software")
    assert "软件测试工程师招聘难" in html and "汽车零部件" not in html
    html = _get(client, secretariat, department="housing")
    assert "汽车零部件企业职工宿舍不足" in html and "软件测试" not in html
    html = _get(client, secretariat, category="finance")
    assert "人工智能企业算力补贴申报慢" in html and "汽车零部件" not in html
    assert "共 1 条" in html


def test_overdue_filter(client, spread, secretariat):
    Issue.objects.filter(pk=spread["soft"].pk).update(due_date=today() - timedelta(days=1))
    html = _get(client, secretariat, overdue="true")
    assert "软件测试工程师招聘难" in html and "汽车零部件" not in html
    assert "light-red" in html


def test_measure_filter(client, software_officer, secretariat):
    file_issue(software_officer, title="技能培训补贴", measure=Measure.objects.get(number=3))
    file_issue(software_officer, title="无关问题")
    html = _get(client, secretariat, measure="3")
    assert "技能培训补贴" in html and "无关问题" not in html


def test_search_by_number_and_by_word(client, spread, secretariat):
    number = spread["auto"].number
    html = _get(client, secretariat, q=number)
    assert "汽车零部件企业职工宿舍不足" in html and "共 1 条" in html
    html = _get(client, secretariat, q="宿舍")
    assert "汽车零部件企业职工宿舍不足" in html and "软件测试" not in html


def test_sorting_by_due_date(client, spread, secretariat):
    html = _get(client, secretariat, sort="due")
    assert html.index("软件测试工程师招聘难") < html.index("汽车零部件企业职工宿舍不足")
    html = _get(client, secretariat, sort="-due")
    assert html.index("汽车零部件企业职工宿舍不足") < html.index("软件测试工程师招聘难")


def test_sorting_by_number(client, spread, secretariat):
    html = _get(client, secretariat, sort="number")
    assert html.index(spread["soft"].number) < html.index(spread["auto"].number)


def test_paging_keeps_the_filters(client, software_officer, secretariat):
    for n in range(30):
        file_issue(software_officer, title=f"问题{n:02d}")
    html = _get(client, secretariat, chain="software")
    assert "共 30 条" in html and "第 1 / 2 页" in html
    assert "chain=software&amp;page=2" in html
    html = _get(client, secretariat, chain="software", page=2)
    assert html.count('data-testid="issue-row"') == 5


def test_an_invalid_filter_is_ignored_not_an_error(client, spread, secretariat):
    html = _get(client, secretariat, chain="no-such-chain")
    assert "已忽略" in html


def test_the_officer_sees_the_raise_button(client, software_officer, hrss_staff):
    assert "提出问题" in _get(client, software_officer)
    assert reverse("issues:new") not in _get(client, hrss_staff)


def test_withdrawn_issue_is_listed_with_its_state(client, raised, software_officer, secretariat):
    perform_transition(raised, "withdraw", software_officer, reason="企业已自行解决")
    assert "已撤回" in _get(client, secretariat)


def _late(issue, working_days_ago):
    """Due that many calendar days before today (a Friday in `late`: as many working days)."""
    Issue.objects.filter(pk=issue.pk).update(due_date=today() - timedelta(days=working_days_ago))


@pytest.fixture
def late(spread, time_machine):
    time_machine.move_to("2026-12-04 10:00 +08:00")  # a Friday: Monday..Thursday are working days
    _late(spread["soft"], 1)  # Thursday: 1 working day overdue
    _late(spread["auto"], 3)  # Tuesday: 3 working days overdue
    return spread


def test_sort_by_days_overdue_puts_the_most_overdue_first(client, late, secretariat):
    html = _get(client, secretariat, sort="overdue")
    rows = [html.index(late[k].title) for k in ("auto", "soft", "ai")]
    assert rows == sorted(rows)


def test_an_overdue_list_is_most_overdue_first_unless_asked(client, late, secretariat):
    # overdue=true: the home page's and the dashboard's links; warning=red likewise.
    for params in ({"overdue": "true"}, {"warning": "red"}):
        html = _get(client, secretariat, **params)
        assert html.index(late["auto"].title) < html.index(late["soft"].title)
        assert '<option value="overdue" selected>' in html
    html = _get(client, secretariat, overdue="true", sort="-due")
    assert html.index(late["auto"].title) > html.index(late["soft"].title)
    assert '<option value="-raised" selected>' in _get(client, secretariat)


def test_rows_say_how_many_working_days_overdue(client, late, secretariat):
    html = _get(client, secretariat)
    assert "超期 3 个工作日" in html and "超期 1 个工作日" in html
    assert html.count('data-testid="days-overdue"') == 2  # the raised ai issue is not overdue


def test_a_search_keeps_the_filters_folded(client, spread, secretariat):
    html = _get(client, secretariat, q="宿舍")
    assert "<details data-fold-small class=" in html  # not open: the result comes first
    html = _get(client, secretariat, q="宿舍", chain="automotive", sort="due")
    assert "<details open data-fold-small" in html and "已设 1 项" in html
