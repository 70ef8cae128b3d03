"""``manage.py rebuild_figures [--year YYYY]``: the figures' rollup (`issues.rollup`: the
buckets, their months, the resolved days) again from the issues - after a bulk load, a
restore, or to check it (``--check``, which compares every level with a direct count)."""

from django.core.management.base import BaseCommand, CommandError

from issues import rollup


class Command(BaseCommand):
    help = "Rebuild the figures' rollup (FigureBucket, FigureMonth, ResolvedDay) from the issues."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only the issues raised in this year")
        parser.add_argument(
            "--check",
            action="store_true",
            help="rebuild nothing; fail when the rollup differs from the issues",
        )

    def handle(self, *args, year=None, check=False, **options):
        if check:
            differing = rollup.differences(year)
            if differing:
                raise CommandError(f"{differing} bucket(s) differ from the issues")
            self.stdout.write("the rollup equals the issues")
            return
        rows = rollup.rebuild(year)
        self.stdout.write(f"{rows} bucket(s) written")
