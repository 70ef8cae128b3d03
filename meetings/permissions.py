"""Who may do what with meetings: the one place the pages, the API, the exports and the
iCal feed ask (through `liaison.access`: `require`, `permission_required`, `RulePermission`).

Visibility (404) is `meetings.services.meeting_for`, which asks `meetings.read`. Here: may this
person read meetings at all, change them, or take one lifecycle transition (403 if not); a
wrong state is a 409, decided by the state machine.
"""

from __future__ import annotations

import rules

from organisation.models import User


@rules.predicate
def has_a_role(user: User) -> bool:
    """Everyone with a role in the mechanism reads meetings, agendas, minutes and decisions."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", ""))


@rules.predicate
def is_secretariat(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.SECRETARIAT


@rules.predicate
def is_leader(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.LEADER


# Reading: meetings, published agendas, approved minutes, the decisions ledger, the iCal feed.
rules.add_perm("meetings.read", has_a_role)
# Creating meetings and every change to a draft: head, agenda, attendance, minutes.
rules.add_perm("meetings.manage", is_secretariat)
# Each lifecycle transition has its own rule (meetings.transitions names them); today the
# secretariat takes all four (DESIGN "Roles and visibility": "everything on meetings").
rules.add_perm("meetings.publish_agenda", is_secretariat)
rules.add_perm("meetings.hold", is_secretariat)
rules.add_perm("meetings.approve_minutes", is_secretariat)
rules.add_perm("meetings.cancel", is_secretariat)
# Who changed what in a meeting (its history on the meeting page): the secretariat's working
# record; the admin keeps it for superusers too.
rules.add_perm("meetings.read_history", is_secretariat)


@rules.predicate
def leads_the_decision(user: User, decision) -> bool:
    """Staff of the decision's lead department (责任部门): they report it done."""
    return bool(
        decision is not None
        and getattr(user, "role", None) == User.Role.DEPARTMENT
        and user.department_id is not None
        and user.department_id == decision.department_id
    )


# Decisions tracked to 销号 (meetings.transitions.DECISION_TRANSITIONS): the lead department
# reports one done; the secretariat confirms it (销号) or sends it back.
rules.add_perm("meetings.report_decision", leads_the_decision)
rules.add_perm("meetings.close_decision", is_secretariat)
rules.add_perm("meetings.reopen_decision", is_secretariat)
