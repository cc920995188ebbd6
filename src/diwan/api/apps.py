from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Interface package: parses input, calls actions and selectors, renders. No models."""

    name = "diwan.api"
    label = "api"
