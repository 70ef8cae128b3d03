"""The admin: all in Chinese, the organisation editable, appointments through the service."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from organisation.models import IndustryChain, OfficerTerm, User
from organisation.reference import secretariat_group
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# Strings of Django and django-simple-history that their zh_Hans catalogues leave in English.
ENGLISH = [
    "Model name",
    "Add link",
    "Change or view list link",
    "After you",
    "Can add",
    "Can change",
    "Can view",
    "historical",
    "Changes",
    "entries",
]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.gov.cn", "pw-root", name="管理员")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def admin_pages():
    chain = IndustryChain.objects.get(code="software").pk
    pages = [
        "/admin/",
        "/admin/auth/group/add/",
        "/admin/organisation/user/add/",
        f"/admin/organisation/industrychain/{chain}/change/",
        f"/admin/organisation/industrychain/{chain}/history/",
    ]
    for model in [
        "industryunion",
        "industrychain",
        "department",
        "issuecategory",
        "measure",
        "officerterm",
        "user",
    ]:
        pages += [f"/admin/organisation/{model}/", f"/admin/organisation/{model}/add/"]
    return pages


def test_every_page_of_the_organisation_is_in_chinese(client, superuser, software_officer):
    client.force_login(superuser)
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert [word for word in ENGLISH if word in text] == [], url
    index = visible_text(client.get("/admin/").content.decode())
    for heading in [
        "基础数据与人员管理",
        "产业工会",
        "产业链",
        "职能部门",
        "问题类别",
        "措施",
        "联络员任期",
        "用户",
    ]:
        assert heading in index


def test_permissions_are_named_in_chinese(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/auth/group/add/").content.decode()
    assert "添加 · 产业链" in html
    assert "查看 · 产业链的历史记录" in html


def test_the_secretariat_edits_the_organisation_only(client):
    wang = make_user("wang", User.Role.SECRETARIAT, name="王芳")
    wang.is_staff = True
    wang.save()
    wang.groups.add(secretariat_group())
    client.force_login(wang)
    assert client.get("/admin/organisation/industrychain/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 403
    assert set(
        secretariat_group().permissions.values_list("content_type__app_label", flat=True)
    ) == {"organisation"}
    assert Group.objects.filter(name="秘书处").count() == 1
    assert Permission.objects.filter(group__name="秘书处", codename="change_industrychain").exists()


def test_appointing_an_officer_in_the_admin_ends_the_previous_term(
    client, superuser, software_officer
):
    successor = make_user("zhou", "", name="周新")
    software = IndustryChain.objects.get(code="software")
    first = software.current_term()
    client.force_login(superuser)
    response = client.post(
        "/admin/organisation/officerterm/add/",
        {
            "chain": software.pk,
            "officer": successor.pk,
            "started_on": "2030-01-06",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert str(first.ended_on) == "2030-01-06"
    assert software.current_term().officer == successor
    assert User.objects.get(pk=successor.pk).role == User.Role.OFFICER
    assert OfficerTerm.objects.filter(chain=software).count() == 2


def test_department_staff_without_a_department_is_a_form_error(client, superuser, hrss_staff):
    client.force_login(superuser)
    url = f"/admin/organisation/user/{hrss_staff.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"department": "", "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00"})
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "职能部门人员须选择所属部门。" in response.content.decode()
    hrss_staff.refresh_from_db()
    assert hrss_staff.department.code == "hrss"


def test_an_officer_given_another_role_leaves_the_chain(client, superuser, software_officer):
    client.force_login(superuser)
    url = f"/admin/organisation/user/{software_officer.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"role": "leader", "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00"})
    data.pop("last_login", None)
    assert client.post(url, data).status_code == 302
    assert IndustryChain.objects.get(code="software").current_term() is None


def test_the_permission_picker_speaks_chinese(client, superuser):
    client.force_login(superuser)
    catalogue = client.get("/admin/jsi18n/").content.decode()
    assert "\\u9009\\u62e9\\u5168\\u90e8%s" in catalogue or "选择全部%s" in catalogue  # 选择全部%s
    assert "\\u5220\\u9664" in catalogue or "删除" in catalogue  # Django's own strings still there
