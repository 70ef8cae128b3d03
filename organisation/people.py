"""Bulk import of people from an Excel sheet: all rows or none.

Columns (first row, any order): username, name, role, chain, department, email, and an
optional password (Chinese headers 用户名, 姓名, 角色, 产业链, 职能部门, 邮箱, 密码 work too).
Every error names its row and column. An officer row makes that person the chain's current
officer exactly as `add_user` does (`appoint_officer`: the previous term ends today).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from liaison.text import MESSAGE as CONTROL_MESSAGE
from liaison.text import find_control
from organisation import passwords
from organisation.models import Department, IndustryChain, User
from organisation.roles import assign_role, is_administrator

HEADERS = {
    "username": {"username", "用户名", "账号"},
    "name": {"name", "姓名"},
    "role": {"role", "角色"},
    "chain": {"chain", "产业链"},
    "department": {"department", "职能部门", "部门", "所属部门"},
    "email": {"email", "e-mail", "邮箱", "电子邮箱"},
    "password": {"password", "密码", "初始密码"},
}
REQUIRED = ("username", "role")
ROLE_NAMES = {
    **{value: value for value in User.Role.values},
    "联络员": User.Role.OFFICER,
    "职能部门": User.Role.DEPARTMENT,
    "秘书处": User.Role.SECRETARIAT,
    "领导": User.Role.LEADER,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's name in the file's header (or the expected one)
    letter: str
    message: str

    def __str__(self) -> str:
        where = (
            f"第{self.row}行，{self.letter}列（{self.column}）"
            if self.letter
            else f"第{self.row}行（{self.column}）"
        )
        return f"{where}：{self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Person:
    row: int
    username: str
    name: str
    role: str
    chain: IndustryChain | None
    department: Department | None
    email: str
    password: str


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    appointed: list[tuple[str, str]] = field(default_factory=list)  # (username, chain name)
    passwords: dict[str, str] = field(default_factory=dict)  # generated for new people only

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated)


def import_people(file, by: User | None = None) -> Result:
    """Read, check every row, then write everything in one transaction; `ImportFailed` if any error.

    `by` is the person importing: anyone but a superuser (the system administrator) may not
    touch administrators' accounts nor set an existing person's password."""
    people = check(*read(file), by=by)
    return _apply(people, by=by)


def read(file) -> tuple[dict[str, int], list[tuple[int, list]]]:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file (re-raised below)
        raise ImportFailed(
            [RowError(1, "文件", "", "无法读取Excel文件（须为.xlsx格式）。")]
        ) from exc
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFailed([RowError(1, "表头", "", "文件为空。")])
    columns: dict[str, int] = {}
    for index, title in enumerate(rows[0]):
        key = _header_key(title)
        if key and key not in columns:
            columns[key] = index
    missing = [RowError(1, name, "", "缺少此列。") for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFailed(missing)
    body = [
        (number, list(values))
        for number, values in enumerate(rows[1:], start=2)
        if any(_text(v) for v in values)
    ]
    return columns, body


def _header_key(title) -> str | None:
    text = _text(title).lower()
    return next((key for key, names in HEADERS.items() if text in names), None)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def check(
    columns: dict[str, int], rows: list[tuple[int, list]], by: User | None = None
) -> list[Person]:
    chains = {c.code: c for c in IndustryChain.objects.all()} | {
        c.name: c for c in IndustryChain.objects.all()
    }
    departments: dict[str, Department] = {}
    for d in Department.objects.all():
        departments.update({d.code: d, d.name: d, **({d.short_name: d} if d.short_name else {})})
    usernames = [_text(v[columns["username"]]) for _n, v in rows]
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}

    errors: list[RowError] = []
    people: list[Person] = []
    seen_usernames: dict[str, int] = {}
    seen_officers: dict[int, int] = {}  # chain pk -> row
    for number, values in rows:

        def cell(key: str, _values=values) -> str:
            index = columns.get(key)
            return _text(_values[index]) if index is not None and index < len(_values) else ""

        def error(key: str, message: str, _number=number) -> None:
            index = columns.get(key)
            letter = get_column_letter(index + 1) if index is not None else ""
            errors.append(RowError(_number, key, letter, message))

        for key in columns:
            if find_control(cell(key)) is not None:
                error(key, str(CONTROL_MESSAGE))
        username, role_text = cell("username"), cell("role")
        chain_text, department_text, email = cell("chain"), cell("department"), cell("email")
        if not username:
            error("username", "用户名不能为空。")
        else:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                error("username", f"用户名“{username}”含有不允许的字符。")
            if username in seen_usernames:
                error("username", f"用户名“{username}”与第{seen_usernames[username]}行重复。")
            seen_usernames.setdefault(username, number)
        role = ROLE_NAMES.get(role_text) or ROLE_NAMES.get(role_text.lower())
        if not role:
            error(
                "role",
                f"未知角色“{role_text}”（可选：officer 联络员、department 职能部门、secretariat 秘书处、leader 领导）。",
            )
        elif username in existing and existing[username].role and existing[username].role != role:
            current = User.Role(existing[username].role).label
            error(
                "role",
                f"用户“{username}”已存在，角色为“{current}”，与表中角色不一致；请先在后台修改。",
            )

        chain = department = None
        if role == User.Role.OFFICER:
            chain = chains.get(chain_text)
            if not chain_text:
                error("chain", "联络员须填写产业链。")
            elif chain is None:
                error("chain", f"未知产业链“{chain_text}”。")
            elif chain.pk in seen_officers:
                error(
                    "chain",
                    f"产业链“{chain.name}”已在第{seen_officers[chain.pk]}行指定联络员，每条产业链只能有一名联络员。",
                )
            else:
                seen_officers[chain.pk] = number
        elif chain_text and role:
            error("chain", "只有联络员填写产业链。")
        if role == User.Role.DEPARTMENT:
            department = departments.get(department_text)
            if not department_text:
                error("department", "职能部门人员须填写所属部门。")
            elif department is None:
                error("department", f"未知职能部门“{department_text}”。")
        elif department_text and role:
            error("department", "只有职能部门人员填写所属部门。")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", f"邮箱“{email}”格式不正确。")
        password = cell("password")
        trusted = by is None or by.is_superuser
        person = existing.get(username)
        if person is not None and not trusted and is_administrator(person):
            error("username", f"用户“{username}”是管理员账号，只有系统管理员可以修改。")
        if password and person is not None and not trusted:
            error("password", "只有系统管理员可以修改已有人员的密码；请留空此格。")
        elif password:
            probe = person or User(username=username, name=cell("name"), email=email)
            for reason in passwords.problems(password, probe):
                error("password", reason)
        people.append(
            Person(
                number,
                username,
                cell("name"),
                role or "",
                chain,
                department,
                email,
                password,
            )
        )
    if errors:
        raise ImportFailed(errors)
    return people


def _apply(people: list[Person], by: User | None = None) -> Result:
    result = Result()
    with transaction.atomic():
        for person in people:
            user, created = User.objects.get_or_create(username=person.username)
            user.name = person.name or user.name
            user.email = person.email or user.email
            if person.password:
                user.set_password(person.password)
            elif created:
                # New people need a way in; the generated password is shown once, to the importer.
                result.passwords[user.username] = passwords.generate()
                user.set_password(result.passwords[user.username])
            user.save()
            assign_role(user, person.role, chain=person.chain, department=person.department, by=by)
            if person.chain:
                result.appointed.append((user.username, person.chain.name))
            (result.created if created else result.updated).append(user.username)
    return result
