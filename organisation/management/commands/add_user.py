from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisation import passwords
from organisation.models import Department, IndustryChain, User
from organisation.roles import ADMIN_ROLES, assign_role, grant_administrator


class Command(BaseCommand):
    help = "新建或更新用户：联络员须 --chain，职能部门须 --department。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--role", required=True, help="officer | department | secretariat | leader"
        )
        parser.add_argument("--chain", help="officer: the chain code (e.g. software)")
        parser.add_argument("--department", help="department: the department code (e.g. hrss)")
        parser.add_argument("--name", default="", help="display name, e.g. 张三")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="may use the admin site")
        parser.add_argument(
            "--admin",
            choices=sorted(ADMIN_ROLES),
            help="also an administrator: system (superuser), security (unlocks, revokes), "
            "audit (reads the audit log)",
        )

    def handle(
        self,
        *args,
        username,
        password,
        role,
        chain,
        department,
        name,
        email,
        staff,
        admin,
        **options,
    ):
        if role not in User.Role.values:
            raise CommandError(
                f"unknown role {role!r}: choose one of {', '.join(User.Role.values)}"
            )
        chain_obj = dept_obj = None
        if role == User.Role.OFFICER:
            if not chain:
                raise CommandError("--role officer needs --chain CODE")
            chain_obj = IndustryChain.objects.filter(code=chain).first()
            if chain_obj is None:
                codes = ", ".join(IndustryChain.objects.values_list("code", flat=True))
                raise CommandError(
                    f"unknown chain {chain!r} (known: {codes or 'none — run load_reference_data'})"
                )
        elif chain:
            raise CommandError("--chain is only for --role officer")
        if role == User.Role.DEPARTMENT:
            if not department:
                raise CommandError("--role department needs --department CODE")
            dept_obj = Department.objects.filter(code=department).first()
            if dept_obj is None:
                codes = ", ".join(Department.objects.values_list("code", flat=True))
                raise CommandError(
                    f"unknown department {department!r} (known: {codes or 'none — run load_reference_data'})"
                )
        elif department:
            raise CommandError("--department is only for --role department")

        existing = User.objects.filter(username=username).first()
        probe = existing or User(username=username, name=name, email=email)
        reasons = passwords.problems(password, probe)
        if reasons:
            raise CommandError("密码不符合要求：" + " ".join(reasons))

        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.name = name or user.name
            user.email = email or user.email
            user.save()
            assign_role(user, role, chain=chain_obj, department=dept_obj)
            if staff and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            if admin:
                grant_administrator(user, admin)
        verb = "created" if created else "updated"
        where = f" ({chain or department})" if (chain or department) else ""
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}: {role}{where}"))
