"""The secretariat issues a 催办 or 督办 by hand: who may, on which issues, with what input,
numbered per year and kind, one history row each, and who is told."""

from datetime import date, timedelta

import pytest

from issues import notices
from issues.models import SupervisionNotice, today
from issues.services import perform_transition
from notifications.models import Delivery, Notification, Webhook
from tests.issue_helpers import accept_and_resolve, assign, file_issue
from tests.notices.conftest import at

pytestmark = pytest.mark.django_db


def body(**extra):
    return {
        "kind": "urge",
        "text": "请抓紧办理并报送进展。",
        "reply_by": (today() + timedelta(days=3)).isoformat(),
        **extra,
    }


def url(issue) -> str:
    return f"/api/v1/issues/{issue.pk}/notices/"


# Who may issue one on a 软件 issue led by 市人社局 (DESIGN "Roles and visibility": the
# secretariat issues 催办/督办 notices), and who may read the issue's notices.
#                       POST  GET
EXPECTED = {
    "software_officer": (403, 200),
    "ai_officer": (403, 200),  # same union: sees the issue, may not act
    "automotive_officer": (404, 404),
    "hrss_staff": (403, 200),
    "housing_staff": (404, 404),
    "secretariat": (201, 200),
    "leader": (403, 200),
    "outsider": (404, 404),
}


@pytest.mark.parametrize(("persona", "post", "get"), [(p, *s) for p, s in EXPECTED.items()])
def test_who_may_issue_and_read(api, personas, accepted, persona, post, get):
    client = api.as_user(personas[persona])
    assert client.post(url(accepted), body(), format="json").status_code == post
    assert client.get(url(accepted)).status_code == get
    assert SupervisionNotice.objects.count() == (1 if post == 201 else 0)


@pytest.mark.parametrize("state", ["raised", "resolved"])
def test_only_on_issues_being_handled(api, software_officer, secretariat, hrss_staff, state):
    issue = file_issue(software_officer)
    if state == "resolved":
        issue = accept_and_resolve(assign(issue, secretariat), hrss_staff)
    response = api.as_user(secretariat).post(url(issue), body(), format="json")
    assert response.status_code == 409
    assert "办理中的问题" in response.json()["detail"]
    assert not SupervisionNotice.objects.exists()


def test_assigned_not_yet_accepted_may_be_urged(api, assigned, secretariat):
    assert api.as_user(secretariat).post(url(assigned), body(), format="json").status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "scold"}, "kind", "请选择催办或督办。"),
        ({"text": " "}, "text", "请填写通知内容。"),
        ({"text": "字" * 201}, "text", "通知内容不能超过200字（须一页印完）。"),
        ({"reply_by": "2020-01-01"}, "reply_by", "答复期限不能早于今天。"),
        ({"reply_by": None}, "reply_by", None),
    ],
)
def test_bad_input_is_refused_by_field(api, accepted, secretariat, change, field, message):
    response = api.as_user(secretariat).post(url(accepted), body(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert not SupervisionNotice.objects.exists()


def test_the_answer_has_the_designs_fields(api, accepted, secretariat):
    response = api.as_user(secretariat).post(url(accepted), body(kind="supervise"), format="json")
    data = response.json()
    for key in ("id", "kind", "number", "text", "issued_at", "reply_by", "answered_at", "pdf"):
        assert key in data
    assert data["kind"] == "supervise"
    assert data["number"] == f"督办〔{today().year}〕1号"
    assert data["answered_at"] is None
    assert data["pdf"] == f"http://testserver/notices/{data['id']}.pdf"
    listed = api.as_user(secretariat).get(url(accepted)).json()
    assert [n["number"] for n in listed] == [data["number"]]


def test_numbered_per_year_and_kind(accepted, assigned, secretariat, software_officer):
    with at(date(2026, 12, 28)):
        other = assign(file_issue(software_officer), secretariat)

        def issue(which, kind):
            return notices.issue_notice(
                which, secretariat, kind=kind, text="请抓紧办理。", reply_by=today() + timedelta(3)
            ).number

        assert [
            issue(accepted, "urge"),
            issue(other, "urge"),
            issue(accepted, "supervise"),
            issue(other, "urge"),
            issue(other, "supervise"),
        ] == [
            "催办〔2026〕1号",
            "催办〔2026〕2号",
            "督办〔2026〕1号",
            "催办〔2026〕3号",
            "督办〔2026〕2号",
        ]
    with at(date(2027, 1, 4)):
        assert issue(accepted, "urge") == "催办〔2027〕1号"


def test_one_history_row_that_names_the_notice(api, accepted, secretariat):
    before = accepted.history.count()
    stamp = accepted.updated_at
    api.as_user(secretariat).post(url(accepted), body(text="请于本周内反馈。"), format="json")
    rows = list(accepted.history.order_by("history_date", "history_id"))
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row.transition, row.from_state, row.state) == ("notice", "accepted", "accepted")
    assert row.history_user == secretariat
    assert row.history_change_reason.startswith(f"催办〔{today().year}〕1号")
    assert "请于本周内反馈。" in row.history_change_reason
    # The issue itself is untouched: a page opened before the notice may still act on it.
    accepted.refresh_from_db()
    assert accepted.updated_at == stamp
    history = api.as_user(secretariat).get(f"/api/v1/issues/{accepted.pk}/history/").json()
    assert history[-1]["transition"] == "notice"


def test_a_transition_after_a_notice_still_works(accepted, assigned, secretariat, hrss_staff):
    notices.issue_notice(
        accepted, secretariat, kind="urge", text="请抓紧。", reply_by=today() + timedelta(days=1)
    )
    resolved = perform_transition(accepted, "resolve", hrss_staff, resolution="已协调解决")
    assert resolved.state == "resolved"


def test_the_lead_department_is_told_and_the_leader_copied_on_a_supervise(
    django_capture_on_commit_callbacks, accepted, secretariat, hrss_staff, housing_staff
):
    Webhook.objects.create(
        name="群机器人", url="https://qyapi.weixin.qq.com/x", format="wecom", events=["notice"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.issue_notice(
            accepted,
            secretariat,
            kind="supervise",
            text="请主要负责同志亲自过问。",
            reply_by=today() + timedelta(days=3),
        )
    told = Notification.objects.get(kind="notice")
    assert told.recipient == hrss_staff
    assert notice.number in told.text and "请主要负责同志亲自过问。" in told.text
    addresses = set(
        Delivery.objects.filter(channel="email", event="notice").values_list("address", flat=True)
    )
    assert addresses == {"li@example.gov.cn", "sun.lijuan@example.gov.cn"}  # staff, 分管领导
    assert Delivery.objects.filter(channel="webhook", event="notice").count() == 1


def test_an_urge_is_not_copied_to_the_leader(
    django_capture_on_commit_callbacks, accepted, secretariat, hrss_staff
):
    with django_capture_on_commit_callbacks(execute=True):
        notices.issue_notice(
            accepted,
            secretariat,
            kind="urge",
            text="请抓紧。",
            reply_by=today() + timedelta(days=3),
        )
    addresses = set(Delivery.objects.filter(channel="email").values_list("address", flat=True))
    assert "sun.lijuan@example.gov.cn" not in addresses
