"""A one-time submission key: Back and submit again (or a client's retry) never files twice."""

import pytest
from django.urls import reverse

from issues.models import Issue
from organisation.models import IndustryChain, IssueCategory

pytestmark = pytest.mark.django_db
URL = reverse("issues:new")
API = "/api/v1/issues/"


def _form_data(key: str, **extra):
    return {
        "chain": IndustryChain.objects.get(code="software").pk,
        "title": "园区企业用电报装周期长",
        "description": "多家企业反映新增用电报装需要两个月以上。",
        "category": IssueCategory.objects.get(code="recruitment").pk,
        "submission_key": key,
        **extra,
    }


def _key_of(html: str) -> str:
    start = html.index('name="submission_key" value="') + len('name="submission_key" value="')
    return html[start : html.index('"', start)]


def test_each_blank_form_carries_a_new_key(client, software_officer):
    client.force_login(software_officer)
    first, second = (
        _key_of(client.get(URL).content.decode()),
        _key_of(client.get(URL).content.decode()),
    )
    assert len(first) >= 20 and first != second


def test_back_and_resubmit_answers_with_the_issue_already_filed(client, software_officer):
    client.force_login(software_officer)
    key = _key_of(client.get(URL).content.decode())
    client.post(URL, _form_data(key))
    issue = Issue.objects.get()
    assert issue.submission_key == key

    again = client.post(URL, _form_data(key, title="园区企业用电报装周期长（补充）"), follow=True)
    assert Issue.objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("issues:detail", args=[issue.pk])
    html = again.content.decode()
    assert f"您已提交过该问题：{issue.number}" in html
    assert "data-draft-done" in html  # drafts.js drops the draft of that form


def test_a_correction_after_an_error_keeps_the_key_and_files_once(client, software_officer):
    client.force_login(software_officer)
    key = _key_of(client.get(URL).content.decode())
    refused = client.post(URL, _form_data(key, title=""))
    assert refused.status_code == 400 and _key_of(refused.content.decode()) == key
    client.post(URL, _form_data(key))
    assert Issue.objects.count() == 1


def test_the_key_is_per_person(client, software_officer, secretariat):
    client.force_login(software_officer)
    client.post(URL, _form_data("shared-key-0001"))
    client.force_login(secretariat)
    client.post(URL, _form_data("shared-key-0001", source="phone"))
    assert Issue.objects.count() == 2


def test_without_a_key_each_submission_files(client, software_officer):
    client.force_login(software_officer)
    client.post(URL, _form_data(""))
    client.post(URL, _form_data(""))
    assert Issue.objects.count() == 2


BODY = {
    "title": "高级测试工程师招聘困难",
    "description": "企业反映高级测试工程师岗位长期空缺。",
    "chain": "software",
    "category": "talent",
}


def test_the_api_files_once_per_idempotency_key(api, software_officer):
    client = api.as_user(software_officer)
    first = client.post(API, BODY, format="json", HTTP_IDEMPOTENCY_KEY="retry-7f3a")
    assert first.status_code == 201
    retry = client.post(API, BODY, format="json", HTTP_IDEMPOTENCY_KEY="retry-7f3a")
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["number"] == first.json()["number"]
    assert Issue.objects.count() == 1
    other = client.post(API, BODY, format="json", HTTP_IDEMPOTENCY_KEY="retry-8b21")
    assert other.status_code == 201 and Issue.objects.count() == 2


def test_the_api_without_the_header_files_each_time(api, software_officer):
    client = api.as_user(software_officer)
    assert client.post(API, BODY, format="json").status_code == 201
    assert client.post(API, BODY, format="json").status_code == 201
    assert Issue.objects.count() == 2


def test_a_too_long_idempotency_key_is_a_field_error(api, software_officer):
    response = api.as_user(software_officer).post(
        API, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k" * 65
    )
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["Idempotency-Key 不能超过 64 个字符。"]}
    assert not Issue.objects.exists()


def test_the_history_does_not_carry_the_key(client, software_officer):
    client.force_login(software_officer)
    client.post(URL, _form_data("history-key-1"))
    history = Issue.objects.get().history.get()
    assert not hasattr(history, "submission_key")


def test_another_officer_cannot_learn_of_an_issue_by_guessing_a_key(
    api, software_officer, ai_officer
):
    api.as_user(software_officer).post(API, BODY, format="json", HTTP_IDEMPOTENCY_KEY="guess")
    response = api.as_user(ai_officer).post(
        API, {**BODY, "chain": "ai"}, format="json", HTTP_IDEMPOTENCY_KEY="guess"
    )
    assert response.status_code == 201  # a new issue of hers, not zhang's
    assert response.json()["chain"] == "ai"
