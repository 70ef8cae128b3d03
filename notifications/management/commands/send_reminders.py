from django.core.management.base import BaseCommand

from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "发送办理时限提醒（3天内到期、已超期）：站内通知与邮件；同一天重复运行不会重复发送。"

    def handle(self, *args, **options):
        result = send_reminders()
        self.stdout.write(
            f"overdue: {len(result.overdue)}, due soon: {len(result.due_soon)}, "
            f"notifications: {result.notifications}, e-mails: {result.emails}"
        )
