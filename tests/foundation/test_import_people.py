"""`import_people`: all rows or none; every error names its row and column; officers replace."""

from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from organisation.models import OfficerTerm, User
from organisation.people import import_people
from tests.conftest import make_user

HEADER = ["username", "name", "role", "chain", "department", "email"]


def xlsx(tmp_path, *rows, header=HEADER, name="people.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_people", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


GOOD = [
    ("zhangmin", "张敏", "officer", "software", "", "zhangmin@example.gov.cn"),
    ("liqiang", "李强", "department", "", "hrss", "liqiang@example.gov.cn"),
    ("wangfang", "王芳", "秘书处", "", "", ""),
    ("liujg", "刘建国", "leader", "", "", ""),
    ("zhaolei", "赵磊", "联络员", "智能传感器", "", ""),
    ("majun", "马军", "职能部门", "", "市住房保障和房地产管理局", ""),
]


def test_imports_every_role(db, tmp_path):
    ok, out, _err = run(xlsx(tmp_path, *GOOD))
    assert ok, out
    assert "imported 6 people: 6 created, 0 updated" in out
    people = {u.username: u for u in User.objects.all()}
    assert people["zhangmin"].role == "officer" and people["zhangmin"].chain_ids
    assert (
        people["liqiang"].department.code == "hrss"
        and people["liqiang"].email == "liqiang@example.gov.cn"
    )
    assert people["wangfang"].is_secretariat and people["wangfang"].is_staff
    assert people["liujg"].is_leader
    assert people["zhaolei"].current_chains().get().code == "smart-sensors"
    assert people["majun"].department.code == "housing"
    # New people get a generated password, printed once, that signs them in.
    assert "zhangmin: 初始密码" in out
    password = out.split("zhangmin: 初始密码 ")[1].split()[0]
    assert people["zhangmin"].check_password(password)


def test_an_officer_replaces_the_current_one_like_add_user(db, tmp_path, software_officer):
    ok, out, _err = run(xlsx(tmp_path, ("qianduo", "钱多", "officer", "software", "", "")))
    assert ok, out
    terms = OfficerTerm.objects.filter(chain__code="software").order_by("pk")
    assert [(t.officer.username, t.ended_on is None) for t in terms] == [
        ("zhang", False),
        ("qianduo", True),
    ]


def test_existing_people_are_updated_and_keep_their_password(db, tmp_path, hrss_staff):
    ok, out, _err = run(
        xlsx(tmp_path, ("li", "李强（新）", "department", "", "housing", "new@example.gov.cn"))
    )
    assert ok and "0 created, 1 updated" in out
    hrss_staff.refresh_from_db()
    assert (hrss_staff.name, hrss_staff.department.code, hrss_staff.email) == (
        "李强（新）",
        "housing",
        "new@example.gov.cn",
    )
    assert hrss_staff.check_password("pw-li")


@pytest.mark.parametrize(
    "row, expected",
    [
        (("x1", "某", "officer", "rockets", "", ""), "第3行，D列（chain）：未知产业链“rockets”"),
        (("x1", "某", "officer", "", "", ""), "第3行，D列（chain）：联络员须填写产业链"),
        (
            ("x1", "某", "department", "", "nasa", ""),
            "第3行，E列（department）：未知职能部门“nasa”",
        ),
        (
            ("x1", "某", "department", "", "", ""),
            "第3行，E列（department）：职能部门人员须填写所属部门",
        ),
        (("x1", "某", "boss", "", "", ""), "第3行，C列（role）：未知角色“boss”"),
        (("x1", "某", "leader", "software", "", ""), "第3行，D列（chain）：只有联络员填写产业链"),
        (
            ("x1", "某", "leader", "", "hrss", ""),
            "第3行，E列（department）：只有职能部门人员填写所属部门",
        ),
        (
            ("x1", "某", "leader", "", "", "not-an-email"),
            "第3行，F列（email）：邮箱“not-an-email”格式不正确",
        ),
        (("", "某", "leader", "", "", ""), "第3行，A列（username）：用户名不能为空"),
        (
            ("a b", "某", "leader", "", "", ""),
            "第3行，A列（username）：用户名“a b”含有不允许的字符",
        ),
        (("ok1", "某", "leader", "", "", ""), "第3行，A列（username）：用户名“ok1”与第2行重复"),
        (("x1", "某", "officer", "software", "", ""), "产业链“软件”已在第2行指定联络员"),
        (
            ("li", "李强", "leader", "", "", ""),
            "第3行，C列（role）：用户“li”已存在，角色为“职能部门”",
        ),
    ],
)
def test_each_error_names_row_and_column_and_nothing_is_imported(
    db, tmp_path, hrss_staff, row, expected
):
    first = (
        ("ok1", "第一行", "officer", "software", "", "")
        if "联络员" in expected
        else ("ok1", "第一行", "leader", "", "", "")
    )
    before = User.objects.count()
    ok, _out, err = run(xlsx(tmp_path, first, row))
    assert not ok
    assert expected in err, err
    assert "未导入任何人员" in err
    assert (
        User.objects.count() == before
        and not OfficerTerm.objects.filter(chain__code="software").exists()
    )


def test_all_errors_are_reported_at_once(db, tmp_path):
    ok, _out, err = run(
        xlsx(tmp_path, ("a1", "", "boss", "", "", ""), ("a2", "", "officer", "mars", "", ""))
    )
    assert not ok and "第2行" in err and "第3行" in err and "2处错误" in err


def test_missing_column_and_chinese_headers(db, tmp_path):
    ok, _out, err = run(xlsx(tmp_path, ("a1", "甲"), header=["username", "name"]))
    assert not ok and "第1行（role）：缺少此列" in err
    ok, out, _err = run(
        xlsx(
            tmp_path,
            ("li9", "李九", "职能部门", "", "hrss", ""),
            header=["用户名", "姓名", "角色", "产业链", "职能部门", "邮箱"],
            name="zh.xlsx",
        )
    )
    assert ok and User.objects.get(username="li9").department.code == "hrss"


def test_not_an_excel_file(db, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("username,role\n")
    ok, _out, err = run(path)
    assert not ok and "无法读取Excel文件" in err


def test_the_admin_screen_imports_the_same_way(db, client, tmp_path):
    admin = make_user("admin1", User.Role.SECRETARIAT)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "批量导入人员" in index
    url = "/admin/organisation/peopleimport/"
    assert client.get(url).status_code == 200
    bad = xlsx(tmp_path, ("x1", "某", "officer", "rockets", "", ""), name="bad.xlsx")
    with open(bad, "rb") as handle:
        page = client.post(url, {"file": handle}).content.decode()
    assert (
        "第2行，D列（chain）：未知产业链“rockets”" in page
        and not User.objects.filter(username="x1").exists()
    )
    good = xlsx(tmp_path, *GOOD, name="good.xlsx")
    with open(good, "rb") as handle:
        page = client.post(url, {"file": handle}).content.decode()
    assert "已导入6人" in page and "初始密码" in page
    assert User.objects.filter(username__in=[r[0] for r in GOOD]).count() == 6


def test_the_admin_screen_is_for_people_who_may_add_users(client, leader):
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    assert client.get("/admin/organisation/peopleimport/").status_code == 403
    assert "批量导入人员" not in client.get("/admin/").content.decode()


def test_workbook_bytes_from_memory(db):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["mem1", "内存", "leader", "", "", ""])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert import_people(buffer).created == ["mem1"]
