from django.core.management.base import BaseCommand

from liaison.reference import load_reference_data


class Command(BaseCommand):
    help = "加载产业工会、产业链、职能部门、问题类别和11条措施（可重复运行）。"

    def handle(self, *args, **options):
        created = load_reference_data()
        summary = ", ".join(f"{name} +{count}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"reference data loaded ({summary})"))
