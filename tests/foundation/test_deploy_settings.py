"""Production settings from the environment: `check --deploy` clean, DEBUG off unless set."""

import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "liaison.example",
    "LIAISON_BASE_URL": "https://liaison.example",  # required with DEBUG off
    "DJANGO_DEBUG": "",
}


@pytest.mark.parametrize("https", ["1", "0"])
def test_check_deploy_is_clean(https):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_HTTPS=https, **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_without_debug():
    # DJANGO_SECRET_KEY unset: the generated local key is fine for a laptop, and still strong.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, "
        "settings.TIME_ZONE, settings.LANGUAGE_CODE, len(settings.SECRET_KEY) >= 50, "
        "settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)",
        DJANGO_ALLOWED_HOSTS="liaison.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == [
        "False",
        "Asia/Shanghai",
        "zh-hans",
        "True",
        "True",
        "31536000",
    ]


def test_plain_http_intranet_keeps_cookies_usable():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, "
        "getattr(settings, 'SECURE_SSL_REDIRECT', False))",
        DJANGO_HTTPS="0",
        **PRODUCTION,
    )
    assert result.stdout.split()[-2:] == ["False", "False"]


def test_debug_only_when_set():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert result.stdout.split()[-1] == "True"
