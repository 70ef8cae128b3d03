from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump -Fc，SQLite 用在线备份）和 MEDIA_ROOT 到一个新的文件夹，"
        "附 SHA-256 清单（manifest.json）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new or empty folder for this backup")

    def handle(self, *args, directory, **options):
        try:
            manifest = make_backup(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(entry["size"] for entry in manifest.files.values())
        self.stdout.write(
            f"backup written to {directory}: {manifest.vendor} database and "
            f"{len(manifest.files) - 1} media files, {size} bytes"
        )
