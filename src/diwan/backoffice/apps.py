from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """Interface package: parses input, calls actions and selectors, renders. No models."""

    name = "diwan.backoffice"
    label = "backoffice"
