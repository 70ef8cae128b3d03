from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 backup 命令生成的文件夹恢复数据库和 MEDIA_ROOT。先核对清单：文件缺失或损坏时拒绝恢复，"
        "不改动任何数据；恢复后核对每份已审定纪要 PDF 的 SHA-256。恢复前请停止应用和后台任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a folder written by `manage.py backup`")

    def handle(self, *args, directory, **options):
        try:
            manifest = restore_backup(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {manifest.vendor} database and {len(manifest.files) - 1} media files "
            f"from the backup of {manifest.created_at}; every approved minutes PDF matches "
            "its SHA-256"
        )
