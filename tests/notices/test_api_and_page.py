"""`GET /api/v1/notices/` (who sees which, the filters, the pages), `notice_count` on issues
(one subquery, however many), and the secretariat's form on the issue page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from issues import notices
from issues.models import SupervisionNotice, today
from issues.services import perform_transition, post_update
from tests.issue_helpers import accept, assign, file_issue

pytestmark = pytest.mark.django_db


def issue(issue_, clerk, kind="urge"):
    return notices.issue_notice(
        issue_, clerk, kind=kind, text="请抓紧办理。", reply_by=today() + timedelta(days=3)
    )


@pytest.fixture
def world(software_officer, automotive_officer, secretariat, hrss_staff, housing_staff):
    """Notices on a 软件 issue led by hrss (an urge, answered; a supervise) and on a 汽车 issue
    led by housing (an urge)."""
    software = accept(assign(file_issue(software_officer), secretariat), hrss_staff)
    cars = assign(file_issue(automotive_officer, chain="automotive"), secretariat, "housing")
    urge = issue(software, secretariat)
    post_update(software, hrss_staff, "已协调。", notice=urge.pk)
    supervise = issue(software, secretariat, "supervise")
    other = issue(cars, secretariat)
    return {"urge": urge, "supervise": supervise, "other": other}


def listed(api, user, query="") -> list[str]:
    response = api.as_user(user).get(f"/api/v1/notices/{query}")
    assert response.status_code == 200
    return sorted(n["number"] for n in response.json()["results"])


ALL = sorted(["催办〔2026〕1号", "督办〔2026〕1号", "催办〔2026〕2号"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretariat", ALL),
        ("leader", ALL),
        ("hrss_staff", ["催办〔2026〕1号", "督办〔2026〕1号"]),  # its own
        ("housing_staff", ["催办〔2026〕2号"]),
        ("software_officer", ["催办〔2026〕1号", "督办〔2026〕1号"]),  # its union's issues
        ("ai_officer", ["催办〔2026〕1号", "督办〔2026〕1号"]),
        ("automotive_officer", ["催办〔2026〕2号"]),
    ],
)
def test_each_sees_the_notices_it_may(api, personas, world, persona, expected):
    assert listed(api, personas[persona]) == expected


def test_an_account_without_a_role_is_refused_the_list(api, world, outsider):
    assert api.as_user(outsider).get("/api/v1/notices/").status_code == 403


def test_filters(api, world, secretariat):
    assert listed(api, secretariat, "?kind=supervise") == ["督办〔2026〕1号"]
    assert listed(api, secretariat, "?department=housing") == ["催办〔2026〕2号"]
    assert listed(api, secretariat, "?answered=true") == ["催办〔2026〕1号"]
    assert listed(api, secretariat, "?answered=false") == ["催办〔2026〕2号", "督办〔2026〕1号"]
    bad = api.as_user(secretariat).get("/api/v1/notices/?kind=scold")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_paginated_like_the_issue_list(api, world, secretariat):
    page = api.as_user(secretariat).get("/api/v1/notices/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    newest = page["results"][0]
    assert newest["number"] == world["other"].number  # newest first
    assert newest["department"] == "housing" and newest["status"] == "pending"


def test_notice_count_in_the_issue_json(api, world, secretariat):
    rows = api.as_user(secretariat).get("/api/v1/issues/").json()["results"]
    assert sorted(r["notice_count"] for r in rows) == [1, 2]
    one = world["supervise"].issue_id
    assert api.as_user(secretariat).get(f"/api/v1/issues/{one}/").json()["notice_count"] == 2


def test_the_issue_list_costs_the_same_with_more_notices(api, world, secretariat, software_officer):
    client = api.as_user(secretariat)
    client.get("/api/v1/issues/")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/issues/")
        return len(captured)

    before = count()
    for n in range(3):
        issue(assign(file_issue(software_officer, title=f"问题{n}"), secretariat), secretariat)
    assert count() == before


# --- the issue page ---------------------------------------------------------------------------


def test_the_secretariat_finds_the_form_filled_in(client, accepted, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("issues:detail", args=[accepted.pk])).content.decode()
    assert 'data-testid="notice-form"' in html
    assert f"你单位承办的问题 {accepted.number}" in html  # the default text
    assert notices.default_reply_by().isoformat() in html  # 3 working days from today


@pytest.mark.parametrize("persona", ["hrss_staff", "leader", "software_officer"])
def test_nobody_else_gets_the_form(client, personas, accepted, persona):
    client.force_login(personas[persona])
    html = client.get(reverse("issues:detail", args=[accepted.pk])).content.decode()
    assert 'data-testid="notice-form"' not in html
    response = client.post(
        reverse("issues:notice_create", args=[accepted.pk]),
        {"notice-kind": "urge", "notice-text": "请抓紧。", "notice-reply_by": today().isoformat()},
    )
    assert response.status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_issuing_from_the_page(client, accepted, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("issues:notice_create", args=[accepted.pk]),
        {
            "notice-kind": "supervise",
            "notice-text": "请主要负责同志亲自过问。",
            "notice-reply_by": (today() + timedelta(days=2)).isoformat(),
        },
        follow=True,
    )
    notice = SupervisionNotice.objects.get()
    html = response.content.decode()
    assert f"已发出{notice.number}。" in html
    assert (
        f'href="/notices/{notice.pk}.pdf"' in html and f'href="/notices/{notice.pk}.docx"' in html
    )
    assert 'data-status="pending"' in html and "待答复" in html
    assert 'data-transition="notice"' in html  # in the history on the page


def test_a_refused_form_keeps_what_was_typed(client, accepted, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("issues:notice_create", args=[accepted.pk]),
        {"notice-kind": "urge", "notice-text": "请于周五前反馈。", "notice-reply_by": "2020-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "答复期限不能早于今天。" in html and "请于周五前反馈。" in html
    assert not SupervisionNotice.objects.exists()


def test_an_issue_no_longer_handled_answers_409(client, accepted, secretariat, hrss_staff):
    client.force_login(secretariat)
    page = reverse("issues:detail", args=[accepted.pk])
    client.get(page)
    perform_transition(accepted, "resolve", hrss_staff, resolution="已解决")
    response = client.post(
        reverse("issues:notice_create", args=[accepted.pk]),
        {"notice-kind": "urge", "notice-text": "请抓紧。", "notice-reply_by": today().isoformat()},
    )
    assert response.status_code == 409
    assert "只有办理中的问题可以催办、督办" in response.content.decode()


def test_in_english_when_asked(api, client, accepted, secretariat, hrss_staff):
    response = api.as_user(hrss_staff).post(
        f"/api/v1/issues/{accepted.pk}/notices/",
        {"kind": "urge", "text": "x", "reply_by": today().isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["detail"] == (
        "Only the secretariat may issue reminder and supervision notices."
    )
    bad = api.as_user(secretariat).post(
        f"/api/v1/issues/{accepted.pk}/notices/",
        {"kind": "urge", "text": "x", "reply_by": "2020-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.json() == {"reply_by": ["The reply-by date cannot be before today."]}
    client.force_login(secretariat)
    html = client.get(
        reverse("issues:detail", args=[accepted.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Reminders and supervision" in html and "Issue a reminder or supervision notice" in html
    # the number is the document's name: Chinese in every language
    notice = issue(accepted, secretariat)
    with translation.override("en"):
        assert notice.number.startswith("催办〔")


def test_the_openapi_schema_documents_the_notices(api, secretariat):
    schema = api.as_user(secretariat).get("/api/v1/schema/?format=json").json()
    issue_notices = schema["paths"]["/api/v1/issues/{id}/notices/"]
    assert set(issue_notices) >= {"get", "post"}
    body = issue_notices["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/NoticeCreateRequest")
    notice = schema["components"]["schemas"]["Notice"]["properties"]
    for key in ("id", "kind", "number", "text", "issued_at", "reply_by", "answered_at", "pdf"):
        assert key in notice
    listed = schema["paths"]["/api/v1/notices/"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"kind", "department", "answered", "page"}
    assert "NoticeKindEnum" in schema["components"]["schemas"]
