"""Helpers: issues in every state, built through the service layer as people would build them."""

from __future__ import annotations

from datetime import timedelta

from issues.models import Issue, State, today
from issues.services import perform_transition, raise_issue
from organisation.models import Department, IndustryChain, IssueCategory, User
from tests.conftest import make_user


def _an_original() -> int:
    """Another issue to merge into: filed for 软件 by the secretariat (代录)."""
    clerk = User.objects.filter(role=User.Role.SECRETARIAT).order_by("pk").first()
    if clerk is None:
        clerk = make_user("merge-clerk", User.Role.SECRETARIAT)
    return file_issue(clerk, title="高级测试工程师招聘困难（原件）", source="phone").pk


# A valid body for each transition, as a client program would send it.
VALID_INPUTS = {
    "assign": lambda: {
        "department": "hrss",
        "due_date": (today() + timedelta(days=10)).isoformat(),
        "note": "请尽快协调",
    },
    "reassign": lambda: {
        "due_date": (today() + timedelta(days=20)).isoformat(),
        "reason": "延期办理",
    },
    "accept": lambda: {"note": "已签收，正在研究"},
    "return": lambda: {"reason": "不属于本部门职责"},
    "resolve": lambda: {"resolution": "已协调人才补贴申报，企业已获批"},
    "verify": lambda: {"satisfaction": "satisfied", "note": "企业满意"},
    "reopen": lambda: {"reason": "企业反映补贴仍未到账"},
    "withdraw": lambda: {"reason": "企业已自行解决"},
    "merge": lambda: {"duplicate_of": _an_original(), "reason": "与原问题重复"},
}

# The state each transition starts from (DESIGN's table).
SOURCE_STATE = {
    "assign": State.RAISED,
    "reassign": State.ASSIGNED,
    "accept": State.ASSIGNED,
    "return": State.ASSIGNED,
    "resolve": State.ACCEPTED,
    "verify": State.RESOLVED,
    "reopen": State.RESOLVED,
    "withdraw": State.RAISED,
    "merge": State.RAISED,
}


def file_issue(officer, chain: str = "software", **fields) -> Issue:
    return raise_issue(
        officer,
        title=fields.pop("title", "高级测试工程师招聘困难"),
        description=fields.pop(
            "description", "企业反映高级测试工程师岗位长期空缺，人才补贴申报卡在审核环节。"
        ),
        chain=IndustryChain.objects.get(code=chain),
        category=IssueCategory.objects.get(code=fields.pop("category", "recruitment")),
        **fields,
    )


def bring_to(
    state: str, *, officer, secretariat, staff, chain: str = "software", department: str = "hrss"
) -> Issue:
    """An issue of `chain` in `state`, having passed through the real transitions."""
    issue = file_issue(officer, chain)
    if state == State.RAISED:
        return issue
    if state == State.WITHDRAWN:
        return perform_transition(issue, "withdraw", officer, reason="企业已自行解决")
    if state == State.MERGED:
        return perform_transition(
            issue, "merge", secretariat, duplicate_of=_an_original(), reason="重复"
        )
    issue = perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code=department),
        due_date=today() + timedelta(days=10),
    )
    if state == State.ASSIGNED:
        return issue
    issue = perform_transition(issue, "accept", staff)
    if state == State.ACCEPTED:
        return issue
    issue = perform_transition(issue, "resolve", staff, resolution="已协调解决")
    if state == State.RESOLVED:
        return issue
    return perform_transition(issue, "verify", officer, satisfaction="satisfied")


def url(issue_or_pk, suffix: str = "") -> str:
    pk = getattr(issue_or_pk, "pk", issue_or_pk)
    return f"/api/v1/issues/{pk}/{suffix}"


def fresh(issue: Issue) -> Issue:
    return Issue.objects.get(pk=issue.pk)
