from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "diwan.core"
    label = "core"
    verbose_name = "Diwan core"
