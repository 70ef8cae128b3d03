"""Who attends a meeting: the people the attendance picker offers, the organisation each
attends for, and the usual participants filled in at once (DESIGN "Meetings": every chain's
officer, every department on the agenda, the secretariat).

One place for the organisation a person attends for: the picker, the rows filled in and the
rows saved by `meetings.services.set_attendance` (the minutes print it after the name).
"""

from __future__ import annotations

from django.db.models import Q

from meetings.models import Meeting
from organisation.models import Department, OfficerTerm, User
from organisation.roles import ADMIN_ROLES

SECRETARIAT_ORGANISATION = "市总工会劳动和经济工作部"
# The mechanism's leaders are the federation's (the demo's 刘建国 is its chairman).
LEADER_ORGANISATION = "市总工会"


def participants():
    """Active people with a role in the mechanism, never an administrator's account (系统,
    安全 or 审计管理员 run the system, they do not attend meetings)."""
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(role="")
        .exclude(groups__name__in=ADMIN_ROLES.values())
    )


def current_chain_names() -> dict[int, list[str]]:
    """officer id → the chains they currently serve (one query)."""
    chains: dict[int, list[str]] = {}
    terms = OfficerTerm.objects.filter(ended_on__isnull=True).select_related("chain")
    for term in terms.order_by("chain__order", "chain__pk"):
        chains.setdefault(term.officer_id, []).append(term.chain.name)
    return chains


def organisation_of(user: User, chains: list[str] | None = None) -> str:
    """What a person attends for: the department, the chains as officer, the secretariat, the
    federation for a leader. `chains`: the officer's chain names if already read."""
    if user.department is not None:
        return user.department.name
    if user.is_officer:
        if chains is None:
            chains = [c.name for c in user.current_chains()]
        return f"{'、'.join(chains)}产业链联络员" if chains else ""
    if user.is_secretariat:
        return SECRETARIAT_ORGANISATION
    if user.is_leader:
        return LEADER_ORGANISATION
    return ""


def people_choices() -> list[tuple[str, str]]:
    """The attendance picker: "name（organisation）" of every participant (two queries)."""
    users = (
        participants()
        .select_related("department")
        .order_by("role", "department__name", "name", "username")
    )
    chains = current_chain_names()
    choices = []
    for user in users:
        organisation = organisation_of(user, chains.get(user.pk, []))
        label = f"{user.display_name}（{organisation}）" if organisation else user.display_name
        choices.append((str(user.pk), label))
    return choices


def agenda_department_names(meeting: Meeting) -> list[str]:
    """The departments of the issues on the agenda (the snapshots name them), in order."""
    names: dict[str, None] = {}
    for item in meeting.agenda_items.order_by("order", "pk"):
        for entry in item.issues:
            if entry.get("department"):
                names[entry["department"]] = None
        for decision in item.decisions:
            if decision.get("department"):
                names[decision["department"]] = None
    return list(names)


def usual_participants(meeting: Meeting) -> tuple[list[dict], list[str]]:
    """The rows to fill in at once, and the departments on the agenda nobody can stand for.

    Rows (all 出席, to be adjusted): every chain's current officer in chain order; one person
    per department on the agenda (its first account, the department's contact); the
    secretariat. Four queries, whatever the size of the agenda.
    """
    rows: list[dict] = []
    seen: set[int] = set()

    def add(user: User, organisation: str) -> None:
        if user.pk not in seen:
            seen.add(user.pk)
            rows.append({"user": user, "name": user.display_name, "organisation": organisation})

    people = participants()
    terms = (
        OfficerTerm.objects.filter(ended_on__isnull=True, officer__in=people)
        .select_related("chain", "officer")
        .order_by("chain__order", "chain__pk")
    )
    chains = current_chain_names()
    for term in terms:
        add(term.officer, organisation_of(term.officer, chains.get(term.officer_id, [])))

    names = agenda_department_names(meeting)
    departments = {d.name: d for d in Department.objects.filter(name__in=names)}
    staff: dict[int, User] = {}
    for person in (
        people.filter(role=User.Role.DEPARTMENT, department__in=departments.values())
        .select_related("department")
        .order_by("pk")
    ):
        staff.setdefault(person.department_id, person)
    nobody = []
    for name in names:
        department = departments.get(name)
        person = staff.get(department.pk) if department else None
        if person is None:
            nobody.append(name)
        else:
            add(person, name)

    for person in people.filter(Q(role=User.Role.SECRETARIAT)).order_by("pk"):
        add(person, SECRETARIAT_ORGANISATION)
    return rows, nobody
