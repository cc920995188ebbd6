from django.apps import AppConfig


class PublicConfig(AppConfig):
    """Interface package: parses input, calls actions and selectors, renders. No models."""

    name = "diwan.public"
    label = "public"
