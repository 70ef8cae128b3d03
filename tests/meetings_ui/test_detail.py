"""The meeting page: who sees which buttons, the generated agenda, hand edits."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.models import today
from issues.services import raise_issue
from meetings import services
from meetings.models import AgendaItem, MeetingState
from organisation.models import Department, IndustryChain, IssueCategory

from .conftest import advance, at

pytestmark = pytest.mark.django_db

CHANGES = ["生成议程", "发布议程", "取消会议", "添加议题", "保存出席情况"]


def test_secretariat_sees_the_buttons_the_state_allows(secretariat, meeting, signed_in):
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    for label in CHANGES:
        assert label in page
    assert "标记已召开" not in page and "审定纪要" not in page  # not in state planned
    assert "议程发布后即可记录会议纪要" in page


@pytest.mark.parametrize("persona", ["leader", "software_officer", "hrss_staff"])
def test_others_read_without_forms_or_buttons(
    persona, personas, secretariat, meeting, raised_issue, signed_in
):
    services.generate_agenda(meeting, secretariat)
    page = signed_in(personas[persona]).get(f"/meetings/{meeting.pk}/").content.decode()
    assert meeting.title in page and raised_issue.number in page
    for label in CHANGES + ["重新生成议程", "上移", "保存纪要"]:
        assert label not in page
    assert '<form method="post" action="/meetings/' not in page


def test_a_person_without_a_role_gets_404(outsider, meeting, signed_in):
    assert signed_in(outsider).get(f"/meetings/{meeting.pk}/").status_code == 404


def test_unknown_meeting_is_404(secretariat, signed_in):
    assert signed_in(secretariat).get("/meetings/999/").status_code == 404


def test_generate_agenda_lists_issues_by_section_with_links(
    secretariat, meeting, raised_issue, signed_in
):
    client = signed_in(secretariat)
    response = client.post(f"/meetings/{meeting.pk}/agenda/generate/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "议程已生成" in page
    for heading in [
        "一、上次会议议定事项落实情况",
        "二、新提出问题",
        "三、退回问题",
        "四、超期未办结问题",
        "五、待评价问题",
        "六、上次会议以来已办结问题",
    ]:
        assert heading in page
    assert f'href="/issues/{raised_issue.pk}/"' in page
    assert raised_issue.number in page and "待交办" in page
    assert "重新生成议程" in page


def test_hand_edits_before_publication(secretariat, meeting, signed_in):
    client = signed_in(secretariat)
    client.post(f"/meetings/{meeting.pk}/agenda/generate/")
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/items/",
        {"section": "other", "title": "技能竞赛筹备情况", "notes": "市人社局通报"},
    )
    assert response.status_code == 302
    added = AgendaItem.objects.get(title="技能竞赛筹备情况")
    assert added.order == 7

    client.post(f"/meetings/{meeting.pk}/agenda/items/{added.pk}/move/up/")
    titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles[5] == "技能竞赛筹备情况"

    client.post(
        f"/meetings/{meeting.pk}/agenda/items/{added.pk}/",
        {f"item{added.pk}-title": "职工技能竞赛筹备", f"item{added.pk}-notes": ""},
    )
    added.refresh_from_db()
    assert added.title == "职工技能竞赛筹备"

    client.post(f"/meetings/{meeting.pk}/agenda/items/{added.pk}/delete/")
    assert not AgendaItem.objects.filter(pk=added.pk).exists()
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "已删除议题：职工技能竞赛筹备" in page


def test_an_empty_title_is_explained(secretariat, meeting, signed_in):
    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/agenda/items/", {"section": "other", "title": ""}
    )
    assert response.status_code == 400
    assert "未能添加议题" in response.content.decode()


def test_publish_then_the_agenda_is_fixed(secretariat, meeting, raised_issue, signed_in):
    client = signed_in(secretariat)
    client.post(f"/meetings/{meeting.pk}/agenda/generate/")
    response = client.post(f"/meetings/{meeting.pk}/transitions/publish_agenda/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.AGENDA_PUBLISHED
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "议程已发布。" in page and "标记已召开" in page
    assert "生成议程" not in page and "上移" not in page and "添加议题" not in page

    response = client.post(f"/meetings/{meeting.pk}/agenda/generate/")
    assert response.status_code == 409
    assert "议程已发布，不能再生成或修改。" in response.content.decode()


def test_publishing_an_empty_agenda_says_why(secretariat, meeting, signed_in):
    response = signed_in(secretariat).post(f"/meetings/{meeting.pk}/transitions/publish_agenda/")
    assert response.status_code == 400
    assert "请先生成或添加议程，再发布。" in response.content.decode()


def test_a_transition_the_state_does_not_allow_is_409(secretariat, meeting, signed_in):
    response = signed_in(secretariat).post(f"/meetings/{meeting.pk}/transitions/hold/")
    assert response.status_code == 409
    assert "不能确认召开" in response.content.decode()


def test_cancel_with_a_reason(secretariat, meeting, signed_in):
    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "确定要取消这次会议吗" in page  # the confirmation step
    client.post(f"/meetings/{meeting.pk}/transitions/cancel/", {"reason": "与市委会议时间冲突"})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.history.latest().history_change_reason == "与市委会议时间冲突"


POSTS = [
    "agenda/generate/",
    "transitions/publish_agenda/",
    "transitions/cancel/",
    "agenda/items/",
    "attendance/",
    "minutes/",
]


@pytest.mark.parametrize("persona", ["leader", "software_officer", "hrss_staff"])
@pytest.mark.parametrize("path", POSTS)
def test_only_the_secretariat_changes(persona, path, personas, meeting, signed_in):
    response = signed_in(personas[persona]).post(f"/meetings/{meeting.pk}/{path}", {"title": "x"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED and not meeting.agenda_items.exists()


def test_outsider_posts_get_404(outsider, meeting, signed_in):
    assert signed_in(outsider).post(f"/meetings/{meeting.pk}/agenda/generate/").status_code == 404


def test_get_on_a_change_url_is_refused(secretariat, meeting, signed_in):
    assert signed_in(secretariat).get(f"/meetings/{meeting.pk}/agenda/generate/").status_code == 405


def test_annual_report_item_shows_the_figures(secretariat, raised_issue, signed_in):
    annual = services.create_meeting(secretariat, kind="annual", scheduled_at=at(5))
    services.generate_agenda(annual, secretariat)
    page = signed_in(secretariat).get(f"/meetings/{annual.pk}/").content.decode()
    assert "年度工作情况通报" in page and 'data-testid="annual-report"' in page
    for caption in ["按产业工会", "按产业链", "按职能部门", "按措施", "按期办结率"]:
        assert caption in page
    assert "督导事项" in page and "存在问题" in page


def test_meeting_page_query_count_is_flat(
    secretariat, meeting, software_officer, signed_in, django_assert_max_num_queries
):
    def add_issues(n):
        for i in range(n):
            raise_issue(
                software_officer,
                chain=IndustryChain.objects.get(code="software"),
                category=IssueCategory.objects.get(code="talent"),
                title=f"问题{i}",
                description="说明",
            )

    client = signed_in(secretariat)
    add_issues(2)
    services.generate_agenda(meeting, secretariat)
    with django_assert_max_num_queries(20) as few:
        client.get(f"/meetings/{meeting.pk}/")
    add_issues(40)
    services.generate_agenda(meeting, secretariat)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


def test_follow_up_lists_the_last_meetings_decisions_with_their_state(
    secretariat, raised_issue, signed_in
):
    earlier = services.create_meeting(secretariat, kind="regular", scheduled_at=at(-10))
    advance(earlier, secretariat, to="held")
    real_today = today()
    # Saved three days ago, when every due date was still ahead.
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        services.save_minutes(
            earlier,
            secretariat,
            decisions=[
                {
                    "text": "由市人社局牵头办理人才补贴审核",
                    "department": Department.objects.get(code="hrss"),
                    "due_date": real_today + timedelta(days=20),
                    "issue": raised_issue,
                },
                {"text": "秘书处汇总各链用工需求", "due_date": real_today - timedelta(days=2)},
            ],
        )
    services.approve_minutes(earlier, secretariat)
    later = services.create_meeting(secretariat, kind="regular", scheduled_at=at(3))
    services.generate_agenda(later, secretariat)
    page = signed_in(secretariat).get(f"/meetings/{later.pk}/").content.decode()
    follow_up = page[page.index("一、上次会议议定事项落实情况") : page.index("二、新提出问题")]
    assert (
        "由市人社局牵头办理人才补贴审核" in follow_up and "待签收" in follow_up
    )  # the assigned label
    assert f'href="/issues/{raised_issue.pk}/"' in follow_up
    assert "秘书处汇总各链用工需求" in follow_up and "已过完成时限" in follow_up
    assert earlier.title in follow_up


def test_secretariat_moves_the_meeting(secretariat, meeting, signed_in):
    client = signed_in(secretariat)
    assert "修改会议时间、地点或名称" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "edit-date": "2024-12-02",
            "edit-time": "09:30",
            "edit-location": "市人社局二楼会议室",
            "edit-title": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "市人社局二楼会议室"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "2024年12月2日 09:30" in page and "会议信息已保存。" in page
    assert meeting.title == "2024年第1次产业链联络员会议"  # the generated title follows the year


def test_a_cancelled_meeting_cannot_be_moved(secretariat, meeting, signed_in):
    services.perform_meeting_transition(meeting, "cancel", secretariat, reason="改期")
    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "修改会议时间" not in page and "取消会议</summary>" not in page
    response = client.post(
        f"/meetings/{meeting.pk}/edit/", {"edit-date": "2024-12-02", "edit-time": "09:30"}
    )
    assert response.status_code == 409
    assert "已取消" in response.content.decode()


def test_a_hand_made_item_names_its_issues(secretariat, meeting, raised_issue, signed_in):
    client = signed_in(secretariat)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/items/",
        {
            "section": "other",
            "title": "人才补贴专题",
            "issues": f"{raised_issue.number} {raised_issue.title}",
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(title="人才补贴专题")
    assert [entry["number"] for entry in item.issues] == [raised_issue.number]
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'value="{raised_issue.number}"' in page  # the edit form shows the numbers

    response = client.post(
        f"/meetings/{meeting.pk}/agenda/items/{item.pk}/",
        {
            f"item{item.pk}-title": "人才补贴专题",
            f"item{item.pk}-issues": "2019-0001",
        },
    )
    assert response.status_code == 400
    assert "没有编号为 2019-0001 的问题。" in response.content.decode()
    client.post(
        f"/meetings/{meeting.pk}/agenda/items/{item.pk}/",
        {
            f"item{item.pk}-title": "人才补贴专题",
            f"item{item.pk}-issues": "",
        },
    )
    item.refresh_from_db()
    assert item.issues == []


def test_a_generated_item_keeps_its_snapshot(secretariat, meeting, raised_issue, signed_in):
    services.generate_agenda(meeting, secretariat)
    item = meeting.agenda_items.get(section="new")
    client = signed_in(secretariat)
    assert (
        f'name="item{item.pk}-issues"'
        not in client.get(f"/meetings/{meeting.pk}/").content.decode()
    )
    client.post(
        f"/meetings/{meeting.pk}/agenda/items/{item.pk}/",
        {f"item{item.pk}-title": "新提出的问题", f"item{item.pk}-issues": ""},
    )
    item.refresh_from_db()
    assert item.title == "新提出的问题" and [e["number"] for e in item.issues] == [
        raised_issue.number
    ]
