from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """No models: an app so that its print stylesheet and fonts are found as static files."""

    name = "printing"
    verbose_name = "printing"
