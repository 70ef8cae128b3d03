"""Roles: ONE service gives a person their role in the mechanism (the admin, `add_user` and
`import_people` all call `assign_role`), and the administrator groups of 等保 level 3.

The secretariat's admin rights cover the reference data and people's names, roles, chains and
departments — never superuser or staff flags, groups, permissions or other people's passwords
(those fields are simply not in its forms, see organisation/admin.py). Administrators are split:
- 系统管理员 (system administrator): a superuser; manages accounts;
- 安全管理员 (security administrator): unlocks locked sign-ins and revokes API tokens;
- 审计管理员 (audit administrator): only reads the security audit log.
Nobody can edit the audit log.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Event
from organisation.models import Department, IndustryChain, User, appoint_officer, end_officer_terms

SECRETARIAT = "秘书处"
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
ADMIN_ROLES = {"system": SYSTEM_ADMIN, "security": SECURITY_ADMIN, "audit": AUDIT_ADMIN}

REFERENCE_MODELS = [
    "industryunion",
    "industrychain",
    "department",
    "issuecategory",
    "measure",
    "calendarday",
]

# (app label, codename) of each group's permissions.
GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    SECRETARIAT: [
        *(
            ("organisation", f"{action}_{model}")
            for model in REFERENCE_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        *(("organisation", f"view_historical{model}") for model in REFERENCE_MODELS),
        ("organisation", "add_officerterm"),
        ("organisation", "change_officerterm"),
        ("organisation", "view_officerterm"),
        ("organisation", "view_historicalofficerterm"),
        # People: names, roles, chains and departments (the admin form limits the fields).
        ("organisation", "add_user"),
        ("organisation", "change_user"),
        ("organisation", "view_user"),
        ("organisation", "view_peopleimport"),
        # Unlocking a locked sign-in (DESIGN: "The secretariat unlocks in the admin").
        ("organisation", "view_signinlock"),
        ("organisation", "delete_signinlock"),
    ],
    SECURITY_ADMIN: [
        ("organisation", "view_user"),
        ("organisation", "view_signinlock"),
        ("organisation", "delete_signinlock"),
        ("authtoken", "view_tokenproxy"),
        ("authtoken", "delete_tokenproxy"),
    ],
    AUDIT_ADMIN: [("audit", "view_auditevent")],
    SYSTEM_ADMIN: [],  # a superuser: every right comes from the flag
}


def group(name: str) -> Group:
    """The group `name` with exactly the permissions listed above (idempotent)."""
    grp, _created = Group.objects.get_or_create(name=name)
    query = Q(pk__in=[])
    for app_label, codename in GROUP_PERMISSIONS[name]:
        query |= Q(content_type__app_label=app_label, codename=codename)
    grp.permissions.set(Permission.objects.filter(query))
    return grp


def secretariat_group() -> Group:
    return group(SECRETARIAT)


def is_administrator(user: User) -> bool:
    """A superuser or a member of an administrator group: the secretariat may not edit them."""
    if user.is_superuser:
        return True
    return user.pk is not None and user.groups.filter(name__in=ADMIN_ROLES.values()).exists()


def _check(role: str, chain, department) -> None:
    if role and role not in User.Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if role == User.Role.OFFICER and chain is None:
        raise ValidationError({"chain": _("联络员须选择产业链。")})
    if role == User.Role.DEPARTMENT and department is None:
        raise ValidationError({"department": _("职能部门人员须选择所属部门。")})
    if role != User.Role.DEPARTMENT and department is not None:
        raise ValidationError({"department": _("只有职能部门人员可以选择所属部门。")})


def assign_role(
    user: User,
    role: str,
    *,
    chain: IndustryChain | None = None,
    department: Department | None = None,
    by: User | None = None,
) -> User:
    """Give `user` their role in the mechanism, with what comes with it:
    an officer becomes `chain`'s current officer (the previous term ends today) and leaves
    no other chain's term open unless already there; department staff get `department`;
    the secretariat gets its admin group and the staff flag; every other role loses both
    (unless the person is an administrator too). `user` must be saved already."""
    _check(role, chain, department)
    with transaction.atomic():
        user.role = role
        user.department = department if role == User.Role.DEPARTMENT else None
        secretariat = secretariat_group()
        if role == User.Role.SECRETARIAT:
            user.groups.add(secretariat)
            user.is_staff = True
        else:
            user.groups.remove(secretariat)
            user.is_staff = is_administrator(user)
        user.save(update_fields=["role", "department", "is_staff"])
        if chain is not None and role == User.Role.OFFICER:
            appoint_officer(chain, user)
        else:
            end_officer_terms(user)
        user.__dict__.pop("chain_ids", None)
        user.__dict__.pop("union_chains", None)
        where = chain.code if chain else (department.code if department else "")
        record(
            Event.ROLE_ASSIGNED,
            user=by,
            obj=user,
            detail=f"{role or '-'}{' · ' + where if where else ''}",
        )
    return user


def grant_administrator(user: User, kind: str) -> User:
    """Make `user` a system (superuser), security or audit administrator."""
    if kind not in ADMIN_ROLES:
        raise ValidationError({"admin": _("未知管理员类型。")})
    with transaction.atomic():
        grp = group(ADMIN_ROLES[kind])
        superuser = user.is_superuser or kind == "system"
        if user.groups.filter(pk=grp.pk).exists() and (user.is_staff, user.is_superuser) == (
            True,
            superuser,
        ):
            return user  # already: nothing written, not even a history row
        user.groups.add(grp)
        user.is_staff, user.is_superuser = True, superuser
        user.save(update_fields=["is_staff", "is_superuser"])
        record(Event.ROLE_ASSIGNED, obj=user, detail=ADMIN_ROLES[kind])
    return user
