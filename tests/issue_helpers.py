"""Issues in a given state, made through the real services (history, signals and all)."""

from datetime import timedelta

from issues.models import Issue, today
from issues.services import perform_transition, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory, User


def file_issue(
    officer: User,
    chain: str = "software",
    title: str = "高级测试工程师招聘难",
    category: str = "recruitment",
    **extra,
) -> Issue:
    return raise_issue(
        officer,
        title=title,
        description="企业反映人才补贴申请卡在审核环节。",
        chain=IndustryChain.objects.get(code=chain),
        category=IssueCategory.objects.get(code=category),
        **extra,
    )


def accept(issue: Issue, staff: User) -> Issue:
    """签收 by the lead department's staff: what must happen before it may resolve."""
    return perform_transition(issue, "accept", staff)


def accept_and_resolve(issue: Issue, staff: User, resolution: str = "已办结", **inputs) -> Issue:
    """签收 then 报结: an assigned issue resolved by its lead department."""
    return perform_transition(
        accept(issue, staff), "resolve", staff, resolution=resolution, **inputs
    )


def assign(issue: Issue, secretariat: User, department: str = "hrss", days: int = 10) -> Issue:
    return perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code=department),
        due_date=today() + timedelta(days=days),
        note="请抓紧办理",
    )
