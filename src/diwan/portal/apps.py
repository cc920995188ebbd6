from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Interface package: parses input, calls actions and selectors, renders. No models."""

    name = "diwan.portal"
    label = "portal"
