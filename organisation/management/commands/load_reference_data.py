from django.core.management.base import BaseCommand

from organisation.reference import load_reference_data


class Command(BaseCommand):
    help = "加载产业工会、产业链、职能部门、问题类别、11条措施和工作日历（可重复运行，已有条目保持不变）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="also rewrite existing entries from organisation/data/reference.json and calendar.json (undoes admin edits)",
        )

    def handle(self, *args, update, **options):
        changed = load_reference_data(update=update)
        verb = "created or updated" if update else "created"
        summary = ", ".join(f"{name} {count}" for name, count in changed.items())
        self.stdout.write(self.style.SUCCESS(f"reference data loaded ({verb}: {summary})"))
