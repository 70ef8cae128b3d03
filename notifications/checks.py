"""`check --deploy`: links in e-mails and webhooks need LIAISON_BASE_URL with DEBUG off."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def base_url_is_set(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    base = settings.LIAISON_BASE_URL
    parts = urlsplit(base)
    if base and parts.scheme in {"http", "https"} and parts.hostname:
        return []
    return [
        Error(
            "LIAISON_BASE_URL is not set to an http(s) address"
            + (f" (got {base!r})" if base else ""),
            hint="Set LIAISON_BASE_URL (e.g. https://liaison.example.gov.cn): links in "
            "e-mails and webhooks are made absolute from it.",
            id="notifications.E001",
        )
    ]
