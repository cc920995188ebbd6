from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "diwan.applications"
    label = "applications"

    def ready(self) -> None:
        # Registers the citizen-facing message templates (submitted, returned, decided, ...).
        from diwan.applications import messages  # noqa: F401
