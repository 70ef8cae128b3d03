"""Who may do what to an issue: the one place the UI, the API and meetings ask.

Visibility (404) is `Issue.objects.visible_to`. Here: may this person take this
transition on this issue *at all* (403 if not), independent of the current state
(a wrong state is a 409, decided by the state machine).
"""

from __future__ import annotations

import rules

from organisation.models import User


@rules.predicate
def is_secretariat(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.SECRETARIAT


@rules.predicate
def is_current_officer_of_chain(user: User, issue) -> bool:
    return getattr(user, "role", None) == User.Role.OFFICER and issue.chain_id in user.chain_ids


@rules.predicate
def is_staff_of_handling_department(user: User, issue) -> bool:
    """Staff of the department the issue is with (or, while unassigned, any involved one)."""
    if getattr(user, "role", None) != User.Role.DEPARTMENT or not user.department_id:
        return False
    return issue.department_id in (None, user.department_id)


@rules.predicate
def is_staff_of_current_department(user: User, issue) -> bool:
    """Staff of the department the issue is with now (not one it was returned from)."""
    return (
        getattr(user, "role", None) == User.Role.DEPARTMENT
        and issue.department_id is not None
        and issue.department_id == user.department_id
    )


TRANSITION_RULES = {
    "assign": is_secretariat,
    "reassign": is_secretariat,
    "return": is_staff_of_handling_department,
    "resolve": is_staff_of_handling_department,
    "verify": is_current_officer_of_chain,
    "reopen": is_current_officer_of_chain,
    "withdraw": is_current_officer_of_chain | is_secretariat,
}

# Progress notes come from whoever handles the issue now; a department that returned it is done.
rules.add_rule("issues.post_update", is_staff_of_current_department | is_secretariat)


def may_take(user: User, issue, name: str) -> bool:
    rule = TRANSITION_RULES.get(name)
    return bool(rule and rule.test(user, issue))


def may_raise(user: User, chain) -> bool:
    return getattr(user, "role", None) == User.Role.OFFICER and chain.pk in user.chain_ids


def may_post_update(user: User, issue) -> bool:
    return rules.test_rule("issues.post_update", user, issue)
