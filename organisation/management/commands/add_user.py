from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisation.models import Department, IndustryChain, User, appoint_officer, end_officer_terms
from organisation.reference import secretariat_group


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

    def handle(
        self, *args, username, password, role, chain, department, name, email, staff, **options
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

        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.role = role
            user.department = dept_obj
            user.name = name or user.name
            user.email = email or user.email
            user.is_staff = staff or user.is_staff or role == User.Role.SECRETARIAT
            user.save()
            if chain_obj:
                appoint_officer(chain_obj, user)
            else:
                end_officer_terms(user)
            if role == User.Role.SECRETARIAT:
                user.groups.add(secretariat_group())
        verb = "created" if created else "updated"
        where = f" ({chain or department})" if (chain or department) else ""
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}: {role}{where}"))
