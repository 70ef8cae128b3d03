from django.core.management.base import BaseCommand, CommandError

from organisation.people import ImportFailed, import_people


class Command(BaseCommand):
    help = "从Excel批量导入人员（列：username, name, role, chain, department, email）；任一行出错则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                result = import_people(handle)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"导入失败：{len(failed.errors)}处错误，未导入任何人员。"
            ) from failed
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {result.total} people: {len(result.created)} created, {len(result.updated)} updated"
            )
        )
        for username, chain in result.appointed:
            self.stdout.write(f"  {username}: 联络员 · {chain}")
        for username, password in result.passwords.items():
            self.stdout.write(f"  {username}: 初始密码 {password}")
