"""Demo accounts for `seed_demo`; each app adds its own demo content in `<app>/demo.py`."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, IndustryChain, User, appoint_officer
from organisation.roles import grant_administrator, secretariat_group

# The one published password of every demo account; it satisfies the password policy (ten
# characters, three classes) like any other password here.
DEMO_PASSWORD = "Demo-2024-liaison"

OFFICERS = {
    "software": ("zhangmin", "张敏"),
    "ai": ("chenjing", "陈静"),
    "smart-sensors": ("zhaolei", "赵磊"),
    "automotive": ("sunwei", "孙伟"),
    "equipment": ("zhoujie", "周杰"),
    "robotics": ("wuhao", "吴昊"),
    "drones": ("zhengyu", "郑宇"),
    "superhard-materials": ("fengli", "冯丽"),
    "aluminium": ("heping", "何平"),
}
DEPARTMENT_STAFF = {
    "hrss": ("liqiang", "李强"),
    "housing": ("majun", "马军"),
    "miit": ("guoyan", "郭燕"),
    "ndrc": ("lintao", "林涛"),
    "sti": ("huangying", "黄莹"),
    "education": ("xuning", "徐宁"),
    "finance": ("gaofeng", "高峰"),
    "market": ("luoxia", "罗霞"),
}


@dataclass
class DemoAccounts:
    secretariat: User
    leader: User
    officers: dict[str, User] = field(default_factory=dict)  # by chain code
    staff: dict[str, User] = field(default_factory=dict)  # by department code
    admin: User | None = None  # the superuser of /admin/
    security_admin: User | None = None
    audit_admin: User | None = None

    def rows(self) -> list[tuple[str, str, str]]:
        rows = [
            (self.secretariat.username, "秘书处", self.secretariat.display_name),
            (self.leader.username, "领导", self.leader.display_name),
        ]
        rows += [
            (u.username, f"联络员 · {code}", u.display_name) for code, u in self.officers.items()
        ]
        rows += [
            (u.username, f"职能部门 · {code}", u.display_name) for code, u in self.staff.items()
        ]
        if self.admin:
            rows.append((self.admin.username, "系统管理员 · /admin/", self.admin.display_name))
        if self.security_admin:
            rows.append((self.security_admin.username, "安全管理员 · /admin/", "安全管理员"))
        if self.audit_admin:
            rows.append((self.audit_admin.username, "审计管理员 · /admin/", "审计管理员"))
        return rows


# The administrators `seed_accounts` creates, with what each administers.
ADMINISTRATORS = {"admin": _("系统管理员"), "anquan": _("安全管理员"), "shenji": _("审计管理员")}


def demo_accounts() -> list[dict[str, str]]:
    """The demo accounts that exist in this database, for the sign-in page of a development
    server (DEBUG only): username, name, role and organisation, in the order of `make demo`."""
    officers = {username: code for code, (username, _name) in OFFICERS.items()}
    usernames = ["wangfang", "liuzhuxi", *officers, *(u for u, _n in DEPARTMENT_STAFF.values())]
    usernames += list(ADMINISTRATORS)
    users = User.objects.filter(username__in=usernames).select_related("department")
    found = {user.username: user for user in users}
    chains = dict(IndustryChain.objects.filter(code__in=OFFICERS).values_list("code", "name"))
    rows = []
    for username in usernames:
        user = found.get(username)
        if user is None:
            continue
        if username in ADMINISTRATORS:
            role, organisation = str(ADMINISTRATORS[username]), "/admin/"
        else:
            role = user.get_role_display()
            organisation = chains.get(officers.get(username, ""), "") or (
                user.department.name if user.department else ""
            )
        rows.append(
            {"username": username, "name": user.display_name, "role": role, "org": organisation}
        )
    return rows


def _account(username: str, name: str, role: str, password_hash: str, **extra) -> User:
    """The demo account, created once; an existing one (maybe edited since) is left alone."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        name=name,
        role=role,
        email=f"{username}@example.gov.cn",
        password=password_hash,
        **extra,
    )
    user.save()
    return user


def seed_accounts() -> DemoAccounts:
    # One hash for every demo account: hashing is deliberately slow (~0.5 s each), and these
    # accounts share one published password anyway.
    password_hash = make_password(DEMO_PASSWORD)
    accounts = DemoAccounts(
        secretariat=_account(
            "wangfang", "王芳", User.Role.SECRETARIAT, password_hash, is_staff=True
        ),
        leader=_account("liuzhuxi", "刘建国", User.Role.LEADER, password_hash),
    )
    accounts.secretariat.groups.add(secretariat_group())
    accounts.admin = _account(
        "admin",
        "系统管理员",
        User.Role.SECRETARIAT,
        password_hash,
        is_staff=True,
        is_superuser=True,
    )
    grant_administrator(accounts.admin, "system")
    accounts.security_admin = grant_administrator(
        _account("anquan", "安全管理员", "", password_hash), "security"
    )
    accounts.audit_admin = grant_administrator(
        _account("shenji", "审计管理员", "", password_hash), "audit"
    )
    for code, (username, name) in OFFICERS.items():
        user = _account(username, name, User.Role.OFFICER, password_hash)
        chain = IndustryChain.objects.get(code=code)
        # A chain whose officer was replaced (say in the admin) keeps its new officer.
        if chain.current_term() is None and not user.officer_terms.filter(chain=chain).exists():
            appoint_officer(chain, user)
        accounts.officers[code] = user
    for code, (username, name) in DEPARTMENT_STAFF.items():
        accounts.staff[code] = _account(
            username,
            name,
            User.Role.DEPARTMENT,
            password_hash,
            department=Department.objects.get(code=code),
        )
    return accounts
