"""Demo accounts for `seed_demo`; each app adds its own demo content in `<app>/demo.py`."""

from dataclasses import dataclass, field

from liaison.models import Department, IndustryChain, User, appoint_officer
from liaison.reference import secretariat_group

DEMO_PASSWORD = "demo12345"

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

    def rows(self) -> list[tuple[str, str, str]]:
        rows = [(self.secretariat.username, "秘书处", self.secretariat.display_name),
                (self.leader.username, "领导", self.leader.display_name)]
        rows += [(u.username, f"联络员 · {code}", u.display_name) for code, u in self.officers.items()]
        rows += [(u.username, f"职能部门 · {code}", u.display_name) for code, u in self.staff.items()]
        return rows


def _account(username: str, name: str, role: str, **extra) -> User:
    user, _created = User.objects.get_or_create(username=username)
    user.name, user.role = name, role
    user.email = user.email or f"{username}@example.gov.cn"
    for key, value in extra.items():
        setattr(user, key, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed_accounts() -> DemoAccounts:
    accounts = DemoAccounts(
        secretariat=_account("wangfang", "王芳", User.Role.SECRETARIAT, is_staff=True),
        leader=_account("liuzhuxi", "刘建国", User.Role.LEADER),
    )
    accounts.secretariat.groups.add(secretariat_group())
    _account("admin", "系统管理员", User.Role.SECRETARIAT, is_staff=True, is_superuser=True)
    for code, (username, name) in OFFICERS.items():
        user = _account(username, name, User.Role.OFFICER)
        appoint_officer(IndustryChain.objects.get(code=code), user)
        accounts.officers[code] = user
    for code, (username, name) in DEPARTMENT_STAFF.items():
        accounts.staff[code] = _account(
            username, name, User.Role.DEPARTMENT, department=Department.objects.get(code=code)
        )
    return accounts
