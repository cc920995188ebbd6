from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "diwan.casework"
    label = "casework"

    def ready(self) -> None:
        # Connects the signals that drop the per-process working calendars when a holiday changes.
        from diwan.casework import calendar  # noqa: F401
