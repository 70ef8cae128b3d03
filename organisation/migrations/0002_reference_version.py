"""The reference tables' token (organisation.reference_cache): one row, created here."""

import secrets

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("organisation", "ReferenceVersion").objects.create(
        id=1, token=secrets.token_hex(16)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "基础数据版本",
                "verbose_name_plural": "基础数据版本",
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
