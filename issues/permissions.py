"""Who may do what to an issue: the predicates the UI, the API and meetings ask.

Visibility (404) is `Issue.objects.visible_to`. Here: may this person take a transition
on this issue *at all* (403 if not), independent of the current state (a wrong state is a
409, decided by the state machine). Each transition names its predicate once, on its model
method: `@transition(..., permission=FSMRule(is_secretariat))`.
"""

from __future__ import annotations

from typing import Any

import rules

from organisation.models import User


class FSMRule:
    """A `rules` predicate in the shape django-fsm calls `permission=`: `(instance, user)`.

    django-fsm does not check it when the method runs: `issues.services` does, in the one
    path every transition takes. The predicate stays reachable (`.predicate`) so that the
    403 check can ask it without the state (`issues.transitions.Transition.allows`).
    """

    def __init__(self, predicate: rules.Predicate) -> None:
        self.predicate = predicate

    def __call__(self, instance: Any, user: Any) -> bool:
        return bool(self.predicate.test(user, instance))

    def __repr__(self) -> str:
        return f"FSMRule({self.predicate!r})"


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


@rules.predicate
def is_leader(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.LEADER


@rules.predicate
def is_co_department_staff(user: User, issue) -> bool:
    """Staff of a department that is a co-department (协办) of the issue now."""
    if getattr(user, "role", None) != User.Role.DEPARTMENT or not user.department_id:
        return False
    if issue.department_id is None or issue.department_id == user.department_id:
        return False
    return issue.involvements.filter(
        department_id=user.department_id, role="co", active=True
    ).exists()


# Progress notes come from whoever handles the issue now (the lead, a co-department, the
# secretariat); a department that returned it is done. A leader's note is an instruction (批示).
rules.add_rule(
    "issues.post_update",
    is_staff_of_current_department | is_co_department_staff | is_secretariat | is_leader,
)


@rules.predicate
def has_a_role(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", ""))


# The list of supervision notices across issues: anyone with a role (each sees those of the
# issues it may see); an account without one is refused the list (DESIGN: 403 on lists).
rules.add_perm("issues.list_notices", has_a_role)


def may_raise(user: User, chain) -> bool:
    """The chain's current officer, or the secretariat on the chain's behalf (代录)."""
    role = getattr(user, "role", None)
    if role == User.Role.SECRETARIAT:
        return True
    return role == User.Role.OFFICER and chain.pk in user.chain_ids


def may_file(user: User) -> bool:
    """May this person file issues at all (for some chain)?"""
    return bool(getattr(user, "chain_ids", None)) or is_secretariat.test(user)


def may_post_update(user: User, issue) -> bool:
    return rules.test_rule("issues.post_update", user, issue)
