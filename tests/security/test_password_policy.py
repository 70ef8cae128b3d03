"""The password policy: at least 10 characters, three of four classes, not like the username,
not a common password — refused with the reason in Chinese by add_user, import_people, the admin
and the password change form."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from organisation import passwords
from organisation.models import User
from organisation.people import ImportFailed, import_people
from tests.security.conftest import STRONG

pytestmark = pytest.mark.django_db

WEAK = {
    "123456": "密码太短",
    "a": "密码太短",
    "Password12": "常见",  # common, though long enough and of three classes
    "abcdefghijkl": "至少3类",
    "zhangsan2024!": "相似",  # like the username zhangsan
}


@pytest.mark.parametrize(("password", "reason"), WEAK.items())
def test_add_user_refuses_a_weak_password_with_the_reason(password, reason):
    with pytest.raises(CommandError, match=reason):
        call_command(
            "add_user", "zhangsan", "--password", password, "--role", "leader", stdout=StringIO()
        )
    assert not User.objects.filter(username="zhangsan").exists()


def test_add_user_refuses_the_username_as_password():
    with pytest.raises(CommandError, match="相似"):
        call_command(
            "add_user",
            "Wangfang2024",
            "--password",
            "Wangfang2024",
            "--role",
            "leader",
            stdout=StringIO(),
        )


def test_add_user_accepts_a_strong_password():
    call_command(
        "add_user", "zhangsan", "--password", STRONG, "--role", "leader", stdout=StringIO()
    )
    assert User.objects.get(username="zhangsan").check_password(STRONG)


def test_english_reasons_for_english_speakers():
    with translation.override("en"):
        assert passwords.problems("abcdefghijkl") == [
            "The password must contain at least 3 of: upper case letters, lower case letters, digits and symbols."
        ]


def sheet(tmp_path, *rows):
    workbook = Workbook()
    workbook.active.append(["username", "name", "role", "password"])
    for row in rows:
        workbook.active.append(list(row))
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    return path


def test_import_people_refuses_a_weak_password_naming_the_row(tmp_path):
    path = sheet(
        tmp_path, ("liujg", "刘建国", "leader", STRONG), ("zhaolei", "赵磊", "leader", "password")
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)
    assert "第3行，D列（password）：" in err.getvalue()
    assert not User.objects.exists()


def test_generated_passwords_satisfy_the_policy():
    for _ in range(50):
        assert passwords.problems(passwords.generate()) == []


def test_the_secretariat_may_not_reset_a_password_by_import(tmp_path, clerk, leader):
    path = sheet(tmp_path, ("liu", "刘建国", "leader", STRONG))
    with (
        pytest.raises(ImportFailed, match="只有系统管理员可以修改已有人员的密码"),
        open(path, "rb") as f,
    ):
        import_people(f, by=clerk)
    leader.refresh_from_db()
    assert leader.check_password("pw-liu")


def test_the_secretariat_may_not_import_over_an_administrator(tmp_path, clerk, system_admin):
    path = sheet(tmp_path, ("root", "x", "secretariat", ""))
    with pytest.raises(ImportFailed, match="管理员账号"), open(path, "rb") as f:
        import_people(f, by=clerk)


def test_the_admin_refuses_a_weak_password(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/admin/organisation/user/add/",
        {"username": "newone", "password1": "password", "password2": "password", "role": "leader"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "这个密码太常见了。" in html or "常见" in html
    assert not User.objects.filter(username="newone").exists()


def test_the_admin_password_change_refuses_a_weak_password(client, system_admin, leader):
    client.force_login(system_admin)
    response = client.post(
        f"/admin/organisation/user/{leader.pk}/password/",
        {"password1": "abcdefghijkl", "password2": "abcdefghijkl"},
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    leader.refresh_from_db()
    assert leader.check_password("pw-liu")


def test_the_password_change_form_refuses_a_weak_password(client, software_officer):
    client.force_login(software_officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-zhang", "new_password1": "zhang12345", "new_password2": "zhang12345"},
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    software_officer.refresh_from_db()
    assert software_officer.check_password("pw-zhang")
