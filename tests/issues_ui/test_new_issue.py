"""Filing an issue on /issues/new/ (JOURNEYS 1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Issue
from organisation.models import IndustryChain, IssueCategory, appoint_officer
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
URL = reverse("issues:new")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _data(**extra):
    data = {
        "chain": IndustryChain.objects.get(code="software").pk,
        "title": "软件企业高级测试工程师招聘难",
        "description": "多家企业反映高级测试工程师招不到人，人才补贴申报卡在审核环节。",
        "category": IssueCategory.objects.get(code="recruitment").pk,
        "measure": "",
        "company": "郑州某软件有限公司",
    }
    data.update(extra)
    return data


def test_the_officer_sees_the_form_with_her_chain_preselected(client, software_officer):
    client.force_login(software_officer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "提出问题" in html
    chain = IndustryChain.objects.get(code="software")
    # The option carries the chain's code for the similar-issues lookup (similar.js).
    assert f'<option value="{chain.pk}" selected data-code="software">软件</option>' in html
    # Only her own chain is offered.
    assert "人工智能" not in html


def test_filing_redirects_to_the_issue_with_its_number(client, software_officer):
    client.force_login(software_officer)
    photo = SimpleUploadedFile("招聘现场.png", PNG, content_type="image/png")
    response = client.post(URL, {**_data(), "files": [photo]}, follow=True)
    issue = Issue.objects.get()
    assert response.redirect_chain[-1][0] == reverse("issues:detail", args=[issue.pk])
    html = response.content.decode()
    assert f"已提交，编号 {issue.number}" in html
    assert issue.state == "raised" and issue.raised_by == software_officer
    assert issue.company == "郑州某软件有限公司"
    assert [a.original_name for a in issue.attachments.all()] == ["招聘现场.png"]
    assert "招聘现场.png" in html


def test_a_missing_title_is_explained_next_to_the_field_and_input_is_kept(client, software_officer):
    client.force_login(software_officer)
    response = client.post(URL, _data(title=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写标题。" in html
    assert "人才补贴申报卡在审核环节" in html  # the description she typed is still there
    assert "郑州某软件有限公司" in html
    assert not Issue.objects.exists()


def test_a_forbidden_file_is_refused_and_nothing_is_filed(client, software_officer):
    client.force_login(software_officer)
    bad = SimpleUploadedFile("补贴.exe", b"MZ\x90\x00" + b"\x00" * 40)
    response = client.post(URL, {**_data(), "files": [bad]})
    assert response.status_code == 400
    assert "不支持“补贴.exe”这种文件类型" in response.content.decode()
    assert not Issue.objects.exists()


def test_a_too_large_file_is_refused(client, software_officer, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(software_officer)
    response = client.post(
        URL, {**_data(), "files": [SimpleUploadedFile("大.png", PNG + b"\x00" * 200)]}
    )
    assert response.status_code == 400
    assert "太大" in response.content.decode()
    assert not Issue.objects.exists()


def test_another_chain_cannot_be_smuggled_in(client, software_officer):
    client.force_login(software_officer)
    response = client.post(URL, _data(chain=IndustryChain.objects.get(code="ai").pk))
    assert response.status_code == 400
    assert not Issue.objects.exists()


def test_an_officer_of_two_chains_chooses(client, software_officer):
    appoint_officer(IndustryChain.objects.get(code="ai"), software_officer)
    client.force_login(software_officer)
    html = client.get(URL).content.decode()
    assert "软件" in html and "人工智能" in html
    assert "请选择产业链" in html
    client.post(URL, _data(chain=IndustryChain.objects.get(code="ai").pk))
    assert Issue.objects.get().chain.code == "ai"


# (The secretariat files for any chain since DESIGN's 代录: tests/issues_ui/test_workorder.py.)
@pytest.mark.parametrize("persona", ["hrss_staff", "leader", "outsider"])
def test_only_officers_may_file(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data()).status_code == 403


def test_a_former_officer_may_not_file(client, software_officer):
    appoint_officer(IndustryChain.objects.get(code="software"), make_user("new", "officer"))
    client.force_login(software_officer)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_form_has_the_similar_issues_hint_and_its_script(client, secretariat):
    """代录 too: the secretariat's form carries the same hint, for whichever chain is chosen."""
    client.force_login(secretariat)
    html = client.get(URL).content.decode()
    assert 'data-similar="/api/v1/issues/similar/"' in html
    assert 'id="similar"' in html and "可能重复" in html
    assert 'data-code="ai"' in html
    assert "liaison/similar.js" in html
