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
