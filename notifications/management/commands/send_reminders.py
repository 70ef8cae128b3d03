from django.core.management.base import BaseCommand

from issues.pending import purge
from notifications.digest import send_digests
from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "发送办理时限提醒（已超期、超时未签收、3天内到期）：主办部门人员与秘书处每人每天一份汇总（站内通知与邮件，"
        "LIAISON_REMINDER_DIGEST=0 时每个问题一条站内通知）；同一天重复运行不会重复发送。"
        "并按规则自动发出催办、督办通知（每个超期周期各一次）。随后发送选择“每日汇总邮件”人员的当日汇总。"
        "最后删除提交失败后保留、已超过保留时限的待提交附件。"
    )

    def handle(self, *args, **options):
        result = send_reminders()
        digests = send_digests()
        # Files kept from failed form submissions, never attached (issues.pending).
        purged = purge()
        self.stdout.write(
            f"overdue: {result.overdue}, due soon: {result.due_soon}, "
            f"unacknowledged: {result.unacknowledged}, "
            f"notifications: {result.notifications}, e-mails: {result.emails}, "
            f"notices: {len(result.notices)}, digests: {digests}, pending uploads removed: {purged}"
        )
