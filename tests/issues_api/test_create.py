"""POST /api/v1/issues/: the chain's current officer files a bottleneck."""

import pytest

from issues.models import Issue
from organisation.models import IndustryChain, appoint_officer
from tests.conftest import make_user
from tests.issues_api.helpers import file_issue

pytestmark = pytest.mark.django_db

BODY = {
    "title": "高级测试工程师招聘困难",
    "description": "企业反映高级测试工程师岗位长期空缺，人才补贴申报卡在审核环节。",
    "chain": "software",
    "category": "talent",
    "measure": 3,
    "company": "郑州某软件有限公司",
}


def test_officer_files_an_issue_of_her_chain(api, software_officer):
    response = api.as_user(software_officer).post("/api/v1/issues/", BODY, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "raised"
    assert body["chain"] == "software" and body["union"] == "electronics-it"
    assert body["category"] == "talent" and body["measure"] == 3
    assert body["raised_by"] == "zhang"
    assert body["number"].endswith("-0001")
    assert body["department"] is None and body["due_date"] is None
    assert set(body["available_transitions"]) == {"withdraw"}
    issue = Issue.objects.get(pk=body["id"])
    assert issue.company == "郑州某软件有限公司"
    assert [(h.transition, h.history_user_id) for h in issue.history.all()] == [
        ("raise", software_officer.pk)
    ]


def test_measure_and_company_are_optional(api, software_officer):
    body = {k: v for k, v in BODY.items() if k not in {"measure", "company"}}
    response = api.as_user(software_officer).post("/api/v1/issues/", body, format="json")
    assert response.status_code == 201
    assert response.json()["measure"] is None


def test_numbers_count_up_within_the_year(api, software_officer):
    first = file_issue(software_officer)
    response = api.as_user(software_officer).post("/api/v1/issues/", BODY, format="json")
    year, seq = first.number.split("-")
    assert response.json()["number"] == f"{year}-{int(seq) + 1:04d}"


def test_the_state_cannot_be_chosen_by_the_client(api, software_officer):
    response = api.as_user(software_officer).post(
        "/api/v1/issues/", {**BODY, "state": "verified", "department": "hrss"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "raised"
    assert response.json()["department"] is None


@pytest.mark.parametrize(
    "persona",
    ["ai_officer", "automotive_officer", "hrss_staff", "leader", "outsider"],
)
def test_only_the_chains_current_officer_may_file(api, personas, persona):
    # (The secretariat files for any chain since DESIGN's 代录: tests/issues_api/test_workorder.py.)
    response = api.as_user(personas[persona]).post("/api/v1/issues/", BODY, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Issue.objects.exists()


def test_a_replaced_officer_may_no_longer_file(api, software_officer):
    appoint_officer(IndustryChain.objects.get(code="software"), make_user("zhao", "officer"))
    response = api.as_user(software_officer).post("/api/v1/issues/", BODY, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "该字段不能为空。"),
        ({"description": None}, "description", "该字段不能为 null。"),
        ({"chain": "spaceships"}, "chain", "没有代码为“spaceships”的产业链。"),
        ({"category": "nope"}, "category", "没有代码为“nope”的类别。"),
        ({"measure": 12}, "measure", "没有第“12”条措施（共11条）。"),
    ],
)
def test_bad_fields_answer_400_in_chinese(api, software_officer, change, field, message):
    response = api.as_user(software_officer).post(
        "/api/v1/issues/", {**BODY, **change}, format="json"
    )
    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_missing_fields_are_all_named(api, software_officer):
    response = api.as_user(software_officer).post("/api/v1/issues/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"title", "description", "chain", "category"}


def test_english_when_asked(api, software_officer):
    response = api.as_user(software_officer).post(
        "/api/v1/issues/", {**BODY, "title": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["title"] == ["This field may not be blank."]


def test_not_signed_in_is_401(api):
    response = api.post("/api/v1/issues/", BODY, format="json")
    assert response.status_code == 401
    assert not Issue.objects.exists()
