from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import MIN_KEEP_DAYS, AuditEvent


class Command(BaseCommand):
    help = f"删除早于 --keep-days 天的安全审计记录（至少保留{MIN_KEEP_DAYS}天）。"

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=MIN_KEEP_DAYS)

    def handle(self, *args, keep_days, **options):
        if keep_days < MIN_KEEP_DAYS:
            raise CommandError(
                f"--keep-days {keep_days}: the audit log keeps at least {MIN_KEEP_DAYS} days"
            )
        cutoff = timezone.now() - timedelta(days=keep_days)
        deleted = AuditEvent.objects.prune_before(cutoff)
        self.stdout.write(f"pruned {deleted} audit rows older than {cutoff:%Y-%m-%d}")
